#ifndef CPROCESS_H
#define CPROCESS_H

#include <sys/types.h>

/// Starts `path` with `argv` (NULL-terminated), the given descriptors as its stdin, stdout and
/// stderr, and an empty signal mask. On Linux the child is also set to be killed when the thread
/// that started it ends (PR_SET_PDEATHSIG), so no child outlives toon, even after SIGKILL.
/// Returns 0 and sets *pid, or the errno of the fork or of the exec.
int toon_spawn(const char *path, char *const argv[], int in_fd, int out_fd, int err_fd, pid_t *pid);

#endif
