// Trap lists for the navigation guard, the IPC sender check and the static-file resolver, one
// entry per trick from the Electron checklist's items 13, 17 and 18 (navigation limits, sender
// validation, custom-protocol file resolver): every class of URL or path an attacker would try.
// Our own list, kept in the repository so it runs in any clone.
import fs from 'node:fs'
import path from 'node:path'

/** A URL that must never count as one of our own pages (production: no dev server). */
export interface UrlTrap {
  kind: string
  url: string
}

export const URL_TRAPS: readonly UrlTrap[] = [
  // Another origin, or the dev server's address in a packaged app.
  { kind: 'other origin', url: 'https://evil.example/' },
  { kind: 'other origin', url: 'http://evil.example/index.html' },
  { kind: 'dev server in production', url: 'http://localhost:5173/' },
  { kind: 'dev server in production', url: 'http://127.0.0.1:5173/index.html' },
  { kind: 'dev server in production', url: 'http://[::1]:5173/' },
  // Hosts that look like ours.
  { kind: 'lookalike host', url: 'app://pnet.evil/' },
  { kind: 'lookalike host', url: 'app://pnet.evil.example/index.html' },
  { kind: 'lookalike host', url: 'app://evilpnet/index.html' },
  { kind: 'lookalike host', url: 'app://pnet-app/index.html' },
  { kind: 'lookalike host', url: 'app://pnet./index.html' },
  { kind: 'lookalike host', url: 'app://pnet:443/index.html' },
  { kind: 'lookalike host', url: 'app://pnet%2eevil/index.html' },
  { kind: 'lookalike host', url: 'app://other/index.html' },
  { kind: 'lookalike host', url: 'https://pnet/index.html' },
  { kind: 'lookalike host', url: 'http://pnet/index.html' },
  // User-info tricks: the part before @ is a user name, not the host (or the other way round).
  { kind: 'userinfo', url: 'app://pnet@evil.example/index.html' },
  { kind: 'userinfo', url: 'app://evil@pnet/index.html' },
  { kind: 'userinfo', url: 'app://evil:secret@pnet/index.html' },
  { kind: 'userinfo', url: 'app://pnet:pnet@evil/' },
  { kind: 'userinfo', url: 'https://pnet@evil.example/' },
  { kind: 'userinfo', url: 'app://pnet%40evil.example/' },
  // Internationalised lookalikes: Cyrillic е and р, a full-width dot, punycode.
  { kind: 'IDN', url: 'app://pn\u0435t/index.html' },
  { kind: 'IDN', url: 'app://\u0440net/index.html' },
  { kind: 'IDN', url: 'app://pnet\u3002evil/index.html' },
  { kind: 'IDN', url: 'app://xn--pnt-xed/index.html' },
  { kind: 'IDN', url: 'https://xn--pnet-9ra.example/' },
  // Other schemes, in several spellings.
  { kind: 'javascript:', url: 'javascript:alert(1)' },
  { kind: 'javascript:', url: 'JavaScript:alert(document.domain)' },
  { kind: 'javascript:', url: 'java\tscript:alert(1)' },
  { kind: 'javascript:', url: ' javascript:alert(1)' },
  { kind: 'data:', url: 'data:text/html,<script>alert(1)</script>' },
  { kind: 'data:', url: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==' },
  { kind: 'file:', url: 'file:///etc/passwd' },
  { kind: 'file:', url: 'file://pnet/index.html' },
  { kind: 'file:', url: 'FILE:///C:/Windows/win.ini' },
  { kind: 'file:', url: 'file:///app://pnet/index.html' },
  { kind: 'other scheme', url: 'about:blank' },
  { kind: 'other scheme', url: 'blob:app://pnet/0b7c6a0e-1a2b-4c3d-9e8f-001122334455' },
  { kind: 'other scheme', url: 'filesystem:app://pnet/temporary/x.html' },
  { kind: 'other scheme', url: 'view-source:app://pnet/index.html' },
  { kind: 'other scheme', url: 'chrome://settings/' },
  { kind: 'other scheme', url: 'devtools://devtools/bundled/inspector.html' },
  { kind: 'other scheme', url: 'ftp://evil.example/' },
  { kind: 'other scheme', url: 'ws://localhost:5173/' },
  { kind: 'other scheme', url: 'mailto:someone@evil.example' },
  { kind: 'other scheme', url: 'vbscript:msgbox(1)' },
  { kind: 'other scheme', url: 'apps://pnet/index.html' },
  { kind: 'other scheme', url: 'app-x://pnet/index.html' },
  // Our scheme without our host.
  { kind: 'no host', url: 'app:///index.html' },
  { kind: 'no host', url: 'app:/index.html' },
  { kind: 'no host', url: 'app:pnet/index.html' },
  { kind: 'no host', url: 'app://' },
  // Backslashes and encoded separators in the authority.
  { kind: 'backslash', url: 'app:\\\\evil.example\\index.html' },
  { kind: 'backslash', url: 'https:\\\\evil.example\\' },
  { kind: 'backslash', url: 'app://evil\\@pnet/index.html' },
  { kind: 'encoded separator', url: 'app://evil.example%2f@pnet/index.html' },
  { kind: 'encoded separator', url: 'https://evil.example/%2e%2e/app://pnet/index.html' },
  // Control characters and garbage.
  { kind: 'control character', url: 'app://pnet\u0000.evil/index.html' },
  { kind: 'control character', url: '\napp://pnet.evil/' },
  { kind: 'not a URL', url: '' },
  { kind: 'not a URL', url: 'index.html' },
  { kind: 'not a URL', url: '//evil.example/' },
  { kind: 'not a URL', url: '/index.html' },
]

/** Our own pages: these must stay allowed, or the guard is useless. */
export const OWN_URLS: readonly string[] = [
  'app://pnet/index.html',
  'app://pnet/',
  'app://pnet/index.html#/patients/3',
  'app://pnet/index.html?x=1',
]

/** A URL path (as a request line carries it) that must never be served. */
export interface PathTrap {
  kind: string
  path: string
}

/**
 * Tried against a renderer folder `root/renderer` that holds index.html and assets/a.js, beside
 * `root/secret.txt` and a sibling folder `root/renderer-evil/secret.txt`; the symbolic links are
 * made by `makeServedFolder`.
 */
export const PATH_TRAPS: readonly PathTrap[] = [
  { kind: 'traversal', path: '/../secret.txt' },
  { kind: 'traversal', path: '/../../../../../../etc/passwd' },
  { kind: 'traversal', path: '/assets/../../secret.txt' },
  { kind: 'encoded traversal', path: '/%2e%2e/secret.txt' },
  { kind: 'encoded traversal', path: '/%2E%2E/secret.txt' },
  { kind: 'encoded traversal', path: '/.%2e/secret.txt' },
  { kind: 'encoded traversal', path: '/%2e./secret.txt' },
  { kind: 'encoded traversal', path: '/assets/%2e%2e/%2e%2e/secret.txt' },
  { kind: 'encoded slash', path: '/..%2fsecret.txt' },
  { kind: 'encoded slash', path: '/..%2Fsecret.txt' },
  { kind: 'encoded slash', path: '/%2e%2e%2fsecret.txt' },
  { kind: 'encoded slash', path: '/assets%2f..%2f..%2fsecret.txt' },
  { kind: 'double encoding', path: '/%252e%252e/secret.txt' },
  { kind: 'double encoding', path: '/%252e%252e%252fsecret.txt' },
  { kind: 'overlong UTF-8', path: '/%c0%ae%c0%ae/secret.txt' },
  { kind: 'overlong UTF-8', path: '/%c0%af..%c0%afsecret.txt' },
  { kind: 'bad encoding', path: '/%E0%A4%A' },
  { kind: 'backslash', path: '/..\\secret.txt' },
  { kind: 'backslash', path: '/..%5csecret.txt' },
  { kind: 'backslash', path: '/%5c..%5csecret.txt' },
  { kind: 'backslash', path: '/assets\\..\\index.html' },
  { kind: 'null byte', path: '/index.html%00' },
  { kind: 'null byte', path: '/index.html%00.js' },
  { kind: 'null byte', path: '/%00/../secret.txt' },
  { kind: 'absolute path', path: '//etc/passwd' },
  { kind: 'absolute path', path: '/%2fetc%2fpasswd' },
  { kind: 'absolute path', path: '/C:/Windows/win.ini' },
  { kind: 'absolute path', path: '/c:%5cwindows%5cwin.ini' },
  { kind: 'absolute path', path: '/\\\\server\\share\\secret.txt' },
  { kind: 'file: in the path', path: '/file:///etc/passwd' },
  { kind: 'sibling folder with our prefix', path: '/../renderer-evil/secret.txt' },
  { kind: 'sibling folder with our prefix', path: '/%2e%2e/renderer-evil/secret.txt' },
  { kind: 'hidden file', path: '/.env' },
  { kind: 'hidden file', path: '/.git/config' },
  { kind: 'hidden file', path: '/assets/.hidden' },
  { kind: 'directory', path: '/assets' },
  { kind: 'directory', path: '/assets/' },
  { kind: 'missing', path: '/nope.js' },
  { kind: 'symlink to a file outside', path: '/link-to-secret.txt' },
  { kind: 'symlink to a file outside', path: '/passwd.js' },
  { kind: 'symlink to a folder outside', path: '/outside/secret.txt' },
  { kind: 'symlink to a folder outside', path: '/assets/up/secret.txt' },
  { kind: 'symlink to a folder outside', path: '/etc-dir/passwd' },
]

/** Paths inside the folder that must still be served (the symbolic links here stay inside). */
export const SERVED_PATHS: ReadonlyArray<{ path: string; body: string }> = [
  { path: '/', body: '<!doctype html><title>pNET</title>' },
  { path: '/index.html', body: '<!doctype html><title>pNET</title>' },
  { path: '/index.html?v=2#top', body: '<!doctype html><title>pNET</title>' },
  { path: '/assets/a.js', body: 'console.log(1)' },
  { path: '/assets/%61.js', body: 'console.log(1)' },
  { path: '/link-inside.js', body: 'console.log(1)' },
  { path: '/linked-assets/a.js', body: 'console.log(1)' },
]

/**
 * Builds the folder the path traps run against, in `dir`: `renderer/` (served), `secret.txt`
 * beside it, a sibling `renderer-evil/`, and symbolic links inside `renderer/` to a file outside,
 * to /etc/passwd, to folders outside, and (allowed) to a file and a folder inside. Returns the
 * renderer folder.
 */
export function makeServedFolder(dir: string): string {
  const root = path.join(dir, 'renderer')
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true })
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>pNET</title>')
  fs.writeFileSync(path.join(root, 'assets', 'a.js'), 'console.log(1)')
  fs.writeFileSync(path.join(root, '.env'), 'SECRET=1')
  fs.writeFileSync(path.join(root, 'assets', '.hidden'), 'hidden')
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the renderer folder')
  fs.mkdirSync(path.join(dir, 'renderer-evil'))
  fs.writeFileSync(path.join(dir, 'renderer-evil', 'secret.txt'), 'in a sibling folder')
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'link-to-secret.txt'))
  fs.symlinkSync('/etc/passwd', path.join(root, 'passwd.js'))
  fs.symlinkSync(dir, path.join(root, 'outside'), 'dir')
  fs.symlinkSync('../..', path.join(root, 'assets', 'up'), 'dir')
  fs.symlinkSync('/etc', path.join(root, 'etc-dir'), 'dir')
  fs.symlinkSync('assets/a.js', path.join(root, 'link-inside.js'))
  fs.symlinkSync('assets', path.join(root, 'linked-assets'), 'dir')
  return root
}
