// The scoring computation alone, in one process: 1 000 ideas × 12 criteria,
// 10 000 simulations, data built in memory (no YAML). Prints the elapsed
// milliseconds of rankCandidates as JSON. Used by bench/run.mjs.
import { resolveGrid } from "../dist/scoring/grid.js";
import { rankCandidates } from "../dist/scoring/rank.js";
import { prng as generator } from "../dist/scoring/simulate.js";

const random = generator(42);
const criteria = Array.from({ length: 12 }, (_, j) => ({
  id: `c${j}`,
  label: `Critère ${j}`,
  weight: 1 + Math.floor(random() * 20),
  direction: j % 5 === 4 ? "cost" : "benefit",
  ...(j === 0 ? { veto: { min: 1 } } : {}),
}));
const grid = resolveGrid({ scale: { min: 0, max: 5 }, criteria });
const ideas = Array.from({ length: 1000 }, (_, i) => {
  const scores = {};
  for (let j = 0; j < 12; j++) {
    const r = random();
    const x = 1 + Math.floor(random() * 5);
    scores[`c${j}`] =
      r < 0.05
        ? null
        : r < 0.15
          ? { low: Math.max(0, x - 1), likely: x, high: Math.min(5, x + 1) }
          : r < 0.2
            ? { raters: { a: x, b: Math.min(5, x + 1), c: Math.max(0, x - 2) } }
            : x;
  }
  return { id: `piste-${i}`, title: `Piste ${i}`, scores };
});
const start = performance.now();
rankCandidates(grid, ideas, { method: "weighted-sum", simulations: 10_000, seed: 20_261_128 });
console.log(JSON.stringify({ ms: performance.now() - start }));
