import { QueryClientProvider } from '@tanstack/react-query'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { readFirstScreen } from './app/startup'
import { createQueryClient, watchWindowFocus } from './data/client'
import { SignInGate } from './features/signin/SignIn'
import { UnlockGate } from './features/unlock/Unlock'
import { installTransport } from './transport'
import './styles.css'

installTransport()
watchWindowFocus()
const queryClient = createQueryClient()
readFirstScreen(queryClient)
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <UnlockGate>
        <SignInGate>
          <App />
        </SignInGate>
      </UnlockGate>
    </QueryClientProvider>
  </StrictMode>,
)
