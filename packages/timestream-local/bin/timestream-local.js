#!/usr/bin/env -S node --max-semi-space-size=32
// The service is TypeScript run through tsx; the larger V8 semi-space means fewer scavenges of the
// requests' short-lived objects (see the package README's benchmark).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
