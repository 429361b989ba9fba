/** An accessible progress bar (`role="progressbar"` with its value and a label). */
import { cn } from '../lib/utils';

/** Props of {@link ProgressBar}. */
export interface ProgressBarProps {
  /** 0–100. */
  value: number;
  /** What is progressing (read by screen readers). */
  label: string;
  /** Text of the current value, e.g. "Đang tải lên 40%". */
  valueText?: string;
  tone?: 'default' | 'success' | 'error';
  className?: string;
}

/** A thin horizontal bar. */
export function ProgressBar({ value, label, valueText, tone = 'default', className }: ProgressBarProps) {
  const clamped = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped}
      aria-valuetext={valueText}
      className={cn('h-2 w-full overflow-hidden rounded-full bg-muted', className)}
    >
      <div
        className={cn('h-full transition-[width]', tone === 'error' ? 'bg-destructive' : tone === 'success' ? 'bg-emerald-600' : 'bg-primary')}
        style={{ width: `${clamped}%` }}
      />
    </div>
  );
}
