// The console is an application, not a library; this file exists for the workspace's `exports`.
export {};
