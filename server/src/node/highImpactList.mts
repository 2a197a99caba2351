// A static re-export from an ES module, so esbuild keeps only this list of npm-high-impact's three
// (a dynamic import of the package itself would bundle all of them, 0.5 MB more).
export { npmHighImpact } from 'npm-high-impact';
