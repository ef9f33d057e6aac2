/**
 * Runs before every integration file: the app logs at debug (a test may set its own level) into
 * the run's log files, so the global teardown can check that no level ever writes a secret.
 */
import { setLogDestination } from "@/lib/log";
import { recordSecret, writeSuiteLog } from "../helpers/suite-logs";

process.env.LOG_LEVEL ??= "debug";
setLogDestination({ write: writeSuiteLog });
recordSecret(process.env.CACHE_HMAC_SECRET);
