/* version.h - the release this source tree builds. */
#ifndef FK_VERSION_H
#define FK_VERSION_H
#define FK_VERSION "0.1.0"
#endif
