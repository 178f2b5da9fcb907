// Supervisor shell: live system health.
import { boot } from './shell.js';
import { healthPanel } from './health.js';
import { addStrings } from './i18n.js';
import strings from './i18n/supervisor.js';

addStrings(strings);

const user = await boot();
if (user) healthPanel(document.getElementById('health'));
