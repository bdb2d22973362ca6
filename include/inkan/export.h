#ifndef INKAN_EXPORT_H
#define INKAN_EXPORT_H

/* The library is built with -fvisibility=hidden: only INKAN_API names are exported. */
#if defined(INKAN_BUILDING) && defined(__GNUC__)
#define INKAN_API __attribute__((visibility("default")))
#else
#define INKAN_API
#endif

#endif
