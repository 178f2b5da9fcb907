// Supervisor shell: live system health.
import { boot } from './shell.js';
import { healthPanel } from './health.js';

const user = await boot('supervisor');
if (user) healthPanel(document.getElementById('health'));
