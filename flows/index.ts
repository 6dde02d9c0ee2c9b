import { reportFlow } from "./report";
import { statusFlow } from "./status";

/** Every conversation the bot can hold; validated at start-up. */
export const flows = [reportFlow, statusFlow];
