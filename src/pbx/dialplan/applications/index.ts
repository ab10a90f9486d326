import { agi } from '../../agi/agiApp.js';
import { answer, echo, goto, gotoIf, hangup, noop, sendDtmf, set, wait } from './basic.js';
import { dial } from './dial.js';
import { busy, congestion, progress, ringing } from './indications.js';
import { background, playback, read } from './playback.js';
import type { Application } from './types.js';

/** The applications the embedded PBX knows, by lower-case name. Others end the call. */
export const applications: Readonly<Record<string, Application>> = {
  answer,
  hangup,
  wait,
  noop,
  verbose: noop,
  set,
  echo,
  senddtmf: sendDtmf,
  goto,
  gotoif: gotoIf,
  playback,
  background,
  read,
  dial,
  agi: (pbx, ch, data) => agi(pbx, ch, data, (name) => applications[name]),
  ringing,
  progress,
  busy,
  congestion,
};
