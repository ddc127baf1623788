#ifndef TOON_MPI_H
#define TOON_MPI_H

#include <stddef.h>

// Open MPI, loaded at run time (dlopen), so ToonKit builds and runs without it and a `toon` started by
// mpirun joins the job. Only Open MPI's ABI is known here: its handles (MPI_COMM_WORLD, MPI_FLOAT,
// MPI_SUM, ...) are addresses of global objects in libmpi, which dlsym finds by name.

/// Loads `library` and every function used below. 0 on success; otherwise -1 and a message in `error`.
int toon_mpi_open(const char *library, char *error, size_t capacity);
/// MPI_Init_thread with MPI_THREAD_SERIALIZED (one thread at a time calls MPI). Returns an MPI code.
int toon_mpi_init(void);
int toon_mpi_rank(void);
int toon_mpi_size(void);
/// In-place element-wise sums across every rank.
int toon_mpi_sum_floats(float *values, size_t count);
int toon_mpi_sum_doubles(double *values, size_t count);
/// Blocking point-to-point transfers of floats (`count` may exceed INT_MAX: sent in pieces).
int toon_mpi_send_floats(const float *values, size_t count, int destination, int tag);
int toon_mpi_receive_floats(float *values, size_t count, int source, int tag);
/// Root's bytes to every rank.
int toon_mpi_broadcast(void *bytes, size_t count, int root);
int toon_mpi_barrier(void);
/// Ends every rank of the job (mpirun reports which rank called it).
void toon_mpi_abort(int code);
int toon_mpi_finalize(void);
/// MPI_Error_string's text for `code` into `text`.
void toon_mpi_error_text(int code, char *text, size_t capacity);

#endif
