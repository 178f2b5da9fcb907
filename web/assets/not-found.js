// The page the server answers (status 404) for an address that is no page: where one was going, and ways back
// (home, which sends a signed-in user on to their own page; the previous page when there is one).
import { applyI18n, languageSwitch } from './i18n.js';

document.getElementById('lang-slot').append(languageSwitch());
document.getElementById('nf-path').textContent = decodeURIComponent(location.pathname).slice(0, 200);
const back = document.getElementById('nf-back');
back.hidden = history.length <= 1;
back.addEventListener('click', () => history.back());
applyI18n(document);
