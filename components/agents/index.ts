export { AgentsManager } from "./agents-manager";
