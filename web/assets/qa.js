// QA shell: recordings to review arrive in a later issue.
import { boot } from './shell.js';
import { addStrings } from './i18n.js';
import strings from './i18n/qa.js';

addStrings(strings);

boot();
