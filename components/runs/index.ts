export { RunsPage } from "./runs-page";
export { RunLiveView } from "./run-live-view";
