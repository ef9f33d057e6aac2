export { SettingsView } from "./settings-view";
export { ConfirmButton } from "./confirm-button";
export { CopyButton } from "./copy-button";
