//! Exit codes shared by every lumen-gate tool.
//!
//! | code | meaning |
//! |------|---------|
//! | 0    | the check passed (no violation; verdict APPROVED) |
//! | 1    | the check found problems that block (verdict CHANGES REQUESTED) |
//! | 2    | the tool could not run: usage, configuration or environment error |
//! | 130  | interrupted (SIGINT or SIGTERM); every process the tool started has been stopped |

/// The check ran and found nothing that blocks.
pub const SUCCESS: i32 = 0;
/// The check ran and found problems that block (violations, CHANGES REQUESTED).
pub const CHECK_FAILED: i32 = 1;
/// The tool could not run: bad usage, invalid configuration, or a broken environment.
pub const TOOL_ERROR: i32 = 2;
/// The run was interrupted by SIGINT or SIGTERM (128 + SIGINT, as shells report it).
pub const INTERRUPTED: i32 = 130;
