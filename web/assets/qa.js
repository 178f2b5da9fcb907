// QA shell: recordings to review arrive in a later issue.
import { boot } from './shell.js';

boot('qa');
