import { DURATION_PATTERN } from '../decide/duration';
import { CliError, EXIT } from './errors';

export interface RampStep {
  after: string;
  percentage: number;
}

/** Ramp presets named after CodeDeploy's predefined ECS deployment configurations. */
export const PRESETS: Record<string, RampStep[]> = {
  // CodeDeployDefault.ECSLinear10PercentEvery1Minutes / …Every3Minutes
  'linear-10-every-1m': linear(1),
  'linear-10-every-3m': linear(3),
  // CodeDeployDefault.ECSCanary10Percent5Minutes / …15Minutes
  'canary-10-5m': [{ after: '0m', percentage: 10 }, { after: '5m', percentage: 100 }],
  'canary-10-15m': [{ after: '0m', percentage: 10 }, { after: '15m', percentage: 100 }],
  // CodeDeployDefault.ECSAllAtOnce
  'all-at-once': [{ after: '0m', percentage: 100 }],
};

function linear(minutes: number): RampStep[] {
  return Array.from({ length: 10 }, (_, i) => ({ after: `${i * minutes}m`, percentage: (i + 1) * 10 }));
}

/** Parses `--steps "0m:10,30m:50,2h:100"`. */
export function parseSteps(text: string): RampStep[] {
  const steps = text.split(',').map((part) => {
    const match = /^\s*([^:\s]+)\s*:\s*([\d.]+)\s*$/.exec(part);
    if (!match || !DURATION_PATTERN.test(match[1]!) || Number.isNaN(Number(match[2]))) {
      throw new CliError(`--steps: "${part.trim()}" is not <duration>:<percentage>; write e.g. --steps "0m:10,30m:50,2h:100"`, EXIT.invalid);
    }
    return { after: match[1]!, percentage: Number(match[2]) };
  });
  return steps;
}
