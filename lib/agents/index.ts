export * from "./agents";
export * from "./models";
export * from "./schema";
export { STARTER_AGENTS } from "./starter-agents";
export * from "./agent-view";
