int toon_cimage_placeholder(void);
