import { useEffect, useState } from 'react';

/** The current time, moving every `everyMs`: SLA countdowns tick without a timer per row. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
