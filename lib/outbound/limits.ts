export {
  type OutboundLimitTable,
  type OutboundLimits,
  limitsFor,
} from "@/lib/config/outbound-limits";
