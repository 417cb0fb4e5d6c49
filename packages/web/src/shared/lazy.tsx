// Code-split pages: a page's module is fetched the first time it is shown, so the first screen
// (sign-in, agreement, lobby) downloads only its own JavaScript.
import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazyPage<P extends object>(load: () => Promise<FunctionComponent<P>>): FunctionComponent<P> {
  let loaded: FunctionComponent<P> | null = null;
  let pending: Promise<void> | null = null;
  const start = () => {
    pending ??= load().then((c) => {
      loaded = c;
    });
    return pending;
  };
  return function LazyPage(props: P) {
    const [, setTick] = useState(0);
    useEffect(() => {
      if (loaded) return;
      let live = true;
      start().then(
        () => live && setTick((n) => n + 1),
        // A failed chunk (a deploy replaced it): reload once to fetch the new build.
        () => live && location.reload(),
      );
      return () => {
        live = false;
      };
    }, []);
    const Page = loaded;
    return Page ? <Page {...props} /> : <main class="page" aria-busy="true" />;
  };
}
