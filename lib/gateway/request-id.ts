import "server-only";
import { randomChars } from "@/lib/random-pool";

// The API's ids look like `req_011CSHoEeqs5C35K2UUqR7Fy`: a prefix and 24 base58 characters.
const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const LENGTH = 24;

/**
 * A fresh id for an answer the gateway produces itself, in the API's `req_…` form, so clients
 * that log or show `request-id` (the SDKs' `_request_id`, Claude Code's error lines) keep working.
 * Answers that came from the upstream keep the upstream's own id.
 */
export function newRequestId(): string {
  return `req_${randomChars(LENGTH, ALPHABET)}`;
}

/** Whether a string looks like a request id (the API's or ours), for validating filters. */
export function isRequestId(value: string): boolean {
  return /^req_[A-Za-z0-9]{8,64}$/.test(value);
}
