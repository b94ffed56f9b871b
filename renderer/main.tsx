import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { bindHost } from './host/bindHost';
import { pickHost } from './host/host';
import { HostContext } from './host/hostContext';
import { createAppStore, StoreContext } from './store/store';
import './styles.css';

const host = pickHost();
const store = createAppStore();
document.documentElement.dataset.host = host.kind;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <HostContext.Provider value={host}>
      <StoreContext.Provider value={store}>
        <App />
      </StoreContext.Provider>
    </HostContext.Provider>
  </StrictMode>,
);

bindHost(host, store).catch((err: unknown) => {
  console.error('Switchboard could not read its settings or session', err);
  store.getState().setSession(null, 'memory_only', 'Switchboard could not read its saved sign-in; please sign in.');
});
