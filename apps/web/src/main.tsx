// The UI's entry. zod's JIT goes off before anything builds a schema (the import order matters).
import './zod-jitless';
import './styles.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './components/App';
import { gatewayBase } from './gateway-base';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App base={gatewayBase(document)} />
  </StrictMode>,
);
