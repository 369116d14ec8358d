/* openapi.h - the API's OpenAPI 3.1 document, generated from the route
 * table and the declarations behind it (openapi.c). */
#ifndef FK_OPENAPI_H
#define FK_OPENAPI_H

#include <jansson.h>

/* The whole document; a new reference. */
json_t *fk_openapi(void);

#endif
