export { CacheDashboard } from "./cache-dashboard";
