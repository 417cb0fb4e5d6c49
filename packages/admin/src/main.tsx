import { loadErrorTexts } from '@fairground/web';
import { render } from 'preact';
import { App } from './app.tsx';
import './styles.css';

// The error texts are a chunk of their own: fetched now, so the first refusal already has its words.
void loadErrorTexts();
render(<App />, document.getElementById('app')!);
