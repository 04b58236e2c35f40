import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

// Browser mode opens with `?token=...`; the server has set its cookie by now, so drop the token from
// the address bar (and from bookmarks and screenshots).
if (new URLSearchParams(location.search).has('token')) {
  history.replaceState(history.state, '', `${location.pathname}${location.hash}`);
}

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target });
