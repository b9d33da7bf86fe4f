#!/usr/bin/env node
// The installed command: registers tsx so that the TypeScript sources run as they are, then hands over to cli.ts.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
