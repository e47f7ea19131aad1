// Mounts the form with the endpoint given in the page's URL (?endpoint=...), another origin.
import { mountRipenForm } from '/lib/form.mjs';

const endpoint = new URLSearchParams(location.search).get('endpoint');
mountRipenForm(document.querySelector('#contact'), { model: '/models/default.json', endpoint });
