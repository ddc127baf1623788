// Times MPI_Allreduce of one training step's gradients cut into buckets, as `toon train` under
// mpirun sums them (docs/distributed.md): the bucket size for --bucket-mb's default.
//   mpicc -O2 -o /tmp/allreduce_buckets Benchmarks/cluster/allreduce_buckets.c
//   mpirun -np 2 /tmp/allreduce_buckets TOTAL_MB REPEATS
// Prints, for each bucket size, the median over REPEATS of the time to sum TOTAL_MB in buckets.
// A barrier before each repeat keeps one rank's lateness out of the other's time.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    double totalMB = argc > 1 ? atof(argv[1]) : 4.5;
    int repeats = argc > 2 ? atoi(argv[2]) : 21;
    size_t total = (size_t)(totalMB * 1048576 / 4);
    float *values = malloc(total * sizeof(float));
    for (size_t i = 0; i < total; i++) values[i] = (float)(i % 97) * 0.01f;
    const double buckets[] = {0.0625, 0.25, 1, 4, 16, 64};
    double *times = malloc(repeats * sizeof(double));
    for (size_t b = 0; b < sizeof(buckets) / sizeof(buckets[0]); b++) {
        size_t bucket = (size_t)(buckets[b] * 1048576 / 4);
        for (int r = 0; r < repeats; r++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double start = MPI_Wtime();
            for (size_t offset = 0; offset < total; offset += bucket) {
                size_t count = total - offset < bucket ? total - offset : bucket;
                MPI_Allreduce(MPI_IN_PLACE, values + offset, (int)count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
            }
            times[r] = MPI_Wtime() - start;
        }
        qsort(times, repeats, sizeof(double), compare);
        if (rank == 0) printf("total %.2f MB, bucket %7.4f MB: %8.3f ms (median of %d)\n", totalMB, buckets[b], times[repeats / 2] * 1e3, repeats);
    }
    free(times);
    free(values);
    MPI_Finalize();
    return 0;
}
