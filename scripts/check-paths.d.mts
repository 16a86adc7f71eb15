// Types of check-paths.mjs for the TypeScript tests.
export declare const MODULE_EXTENSIONS: readonly string[]
export interface CaseCollision {
  shape: 'path' | 'import'
  key: string
  paths: string[]
}
export declare function findCaseCollisions(paths: readonly string[]): CaseCollision[]
export declare function trackedPaths(cwd: string): string[] | null
