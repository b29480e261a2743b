/* Little-endian field access for the codecs (private to the core). */
#ifndef SPINEBALL_SB_WIRE_H
#define SPINEBALL_SB_WIRE_H

#include <stdint.h>
#include <string.h>

static inline void sb_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)(v >> 8);
}

static inline void sb_put_u24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)((v >> 8) & 0xFFu);
    p[2] = (uint8_t)((v >> 16) & 0xFFu);
}

static inline void sb_put_u32(uint8_t *p, uint32_t v)
{
    sb_put_u16(p, (uint16_t)(v & 0xFFFFu));
    sb_put_u16(p + 2, (uint16_t)(v >> 16));
}

static inline void sb_put_i16(uint8_t *p, int16_t v)
{
    sb_put_u16(p, (uint16_t)v);
}

static inline void sb_put_f32(uint8_t *p, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    sb_put_u32(p, bits);
}

static inline uint16_t sb_get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | ((uint16_t)p[1] << 8));
}

static inline uint32_t sb_get_u24(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
}

static inline uint32_t sb_get_u32(const uint8_t *p)
{
    return (uint32_t)sb_get_u16(p) | ((uint32_t)sb_get_u16(p + 2) << 16);
}

static inline int16_t sb_get_i16(const uint8_t *p)
{
    uint16_t u = sb_get_u16(p);
    int16_t v;
    memcpy(&v, &u, sizeof v); /* two's complement without implementation-defined casts */
    return v;
}

static inline float sb_get_f32(const uint8_t *p)
{
    uint32_t bits = sb_get_u32(p);
    float v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

#endif /* SPINEBALL_SB_WIRE_H */
