/** A labelled horizontal meter (`role="progressbar"`) for usage against a quota. */
import { cn } from '../lib/utils';

/** Props of {@link UsageMeter}. */
export interface UsageMeterProps {
  label: string;
  value: number;
  max: number;
  /** Text shown beside the label, e.g. `42 / 100`. */
  valueText: string;
}

/** The meter; amber from 80 %, red at 100 %. */
export function UsageMeter({ label, value, max, valueText }: UsageMeterProps) {
  const percent = max > 0 ? Math.min(100, Math.round((value * 100) / max)) : 0;
  return (
    <div className="grid gap-1">
      <div className="flex justify-between text-sm">
        <span>{label}</span>
        <span className="font-medium">{valueText}</span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={valueText}
        className="h-2 overflow-hidden rounded-full bg-muted"
      >
        <div className={cn('h-full', percent >= 100 ? 'bg-destructive' : percent >= 80 ? 'bg-amber-500' : 'bg-primary')} style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
