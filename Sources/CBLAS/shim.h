#include <cblas.h>
#include <stddef.h>
// OpenBLAS extensions: thread count control, so Dispatch and BLAS threads never multiply.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
// LAPACK's symmetric eigensolver (divide and conquer), Fortran ABI as OpenBLAS exports it: every
// argument by pointer, and the lengths of the two character arguments passed last, as gfortran does.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_length, size_t uplo_length);
