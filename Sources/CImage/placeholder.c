#include "CImage.h"
int toon_cimage_placeholder(void) { return 0; }
