#include <cblas.h>
// OpenBLAS extensions: thread count control, so Dispatch and BLAS threads never multiply.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
