#include "toon_mpi.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

// Opaque handles as Open MPI declares them: pointers to its predefined objects.
typedef void *handle_t;

static struct {
    int (*init_thread)(int *, char ***, int, int *);
    int (*comm_rank)(handle_t, int *);
    int (*comm_size)(handle_t, int *);
    int (*allreduce)(const void *, void *, int, handle_t, handle_t, handle_t);
    int (*send)(const void *, int, handle_t, int, int, handle_t);
    int (*recv)(void *, int, handle_t, int, int, handle_t, void *);
    int (*bcast)(void *, int, handle_t, int, handle_t);
    int (*barrier)(handle_t);
    int (*abort_job)(handle_t, int);
    int (*finalize)(void);
    int (*error_string)(int, char *, int *);
    handle_t world, float_type, double_type, byte_type, sum;
} mpi;

// Open MPI's MPI_THREAD_SERIALIZED and MPI_IN_PLACE.
enum { THREAD_SERIALIZED = 2 };
#define IN_PLACE ((void *)1)
// Pieces of at most this many elements, so each call's count fits MPI's int.
#define PIECE ((size_t)1 << 30)

int toon_mpi_open(const char *library, char *error, size_t capacity) {
    // RTLD_GLOBAL: Open MPI's own plugins, loaded later, resolve libmpi's symbols through it.
    void *lib = dlopen(library, RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
        snprintf(error, capacity, "%s", dlerror());
        return -1;
    }
    struct { const char *name; void **slot; } symbols[] = {
        {"MPI_Init_thread", (void **)&mpi.init_thread}, {"MPI_Comm_rank", (void **)&mpi.comm_rank},
        {"MPI_Comm_size", (void **)&mpi.comm_size}, {"MPI_Allreduce", (void **)&mpi.allreduce},
        {"MPI_Send", (void **)&mpi.send}, {"MPI_Recv", (void **)&mpi.recv}, {"MPI_Bcast", (void **)&mpi.bcast},
        {"MPI_Barrier", (void **)&mpi.barrier}, {"MPI_Abort", (void **)&mpi.abort_job},
        {"MPI_Finalize", (void **)&mpi.finalize}, {"MPI_Error_string", (void **)&mpi.error_string},
        {"ompi_mpi_comm_world", &mpi.world}, {"ompi_mpi_float", &mpi.float_type},
        {"ompi_mpi_double", &mpi.double_type}, {"ompi_mpi_byte", &mpi.byte_type}, {"ompi_mpi_op_sum", &mpi.sum},
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        *symbols[i].slot = dlsym(lib, symbols[i].name);
        if (!*symbols[i].slot) {
            snprintf(error, capacity, "%s has no %s (ToonKit needs Open MPI)", library, symbols[i].name);
            return -1;
        }
    }
    return 0;
}

int toon_mpi_init(void) {
    int provided = 0;
    return mpi.init_thread(NULL, NULL, THREAD_SERIALIZED, &provided);
}

int toon_mpi_rank(void) {
    int rank = -1;
    mpi.comm_rank(mpi.world, &rank);
    return rank;
}

int toon_mpi_size(void) {
    int size = 0;
    mpi.comm_size(mpi.world, &size);
    return size;
}

static int sum_pieces(void *values, size_t count, size_t element, handle_t type) {
    for (size_t start = 0; start < count; start += PIECE) {
        size_t n = count - start < PIECE ? count - start : PIECE;
        int code = mpi.allreduce(IN_PLACE, (char *)values + start * element, (int)n, type, mpi.sum, mpi.world);
        if (code != 0) return code;
    }
    return 0;
}

int toon_mpi_sum_floats(float *values, size_t count) { return sum_pieces(values, count, sizeof(float), mpi.float_type); }

int toon_mpi_sum_doubles(double *values, size_t count) { return sum_pieces(values, count, sizeof(double), mpi.double_type); }

// A zero count still sends (and receives) one empty message, so the two sides stay matched.
int toon_mpi_send_floats(const float *values, size_t count, int destination, int tag) {
    size_t start = 0;
    do {
        size_t n = count - start < PIECE ? count - start : PIECE;
        int code = mpi.send(values + start, (int)n, mpi.float_type, destination, tag, mpi.world);
        if (code != 0) return code;
        start += n;
    } while (start < count);
    return 0;
}

int toon_mpi_receive_floats(float *values, size_t count, int source, int tag) {
    size_t start = 0;
    do {
        size_t n = count - start < PIECE ? count - start : PIECE;
        // MPI_STATUS_IGNORE is a null pointer in Open MPI.
        int code = mpi.recv(values + start, (int)n, mpi.float_type, source, tag, mpi.world, NULL);
        if (code != 0) return code;
        start += n;
    } while (start < count);
    return 0;
}

int toon_mpi_broadcast(void *bytes, size_t count, int root) {
    for (size_t start = 0; start < count; start += PIECE) {
        size_t n = count - start < PIECE ? count - start : PIECE;
        int code = mpi.bcast((char *)bytes + start, (int)n, mpi.byte_type, root, mpi.world);
        if (code != 0) return code;
    }
    return 0;
}

int toon_mpi_barrier(void) { return mpi.barrier(mpi.world); }

void toon_mpi_abort(int code) { mpi.abort_job(mpi.world, code); }

int toon_mpi_finalize(void) { return mpi.finalize(); }

void toon_mpi_error_text(int code, char *text, size_t capacity) {
    int length = 0;
    char buffer[512];  // MPI_MAX_ERROR_STRING in Open MPI is 256
    if (capacity == 0) return;
    if (mpi.error_string && mpi.error_string(code, buffer, &length) == 0) {
        snprintf(text, capacity, "%.*s", length, buffer);
    } else {
        snprintf(text, capacity, "MPI error %d", code);
    }
}
