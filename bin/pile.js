#!/usr/bin/env node
// Launcher only: the compiled entry point does everything else.
import { run } from "../dist/bundle/main.js";

await run();
