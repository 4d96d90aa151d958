#!/usr/bin/env node
/** The `bnext-rtl` executable: a thin shell around {@link runCli}. */
import { hideBin } from 'yargs/helpers';
import { runCli } from './app.js';

process.exitCode = await runCli(hideBin(process.argv));
