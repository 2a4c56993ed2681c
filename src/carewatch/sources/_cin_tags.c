/* The CIN census reader's text-to-tags pass (carewatch.sources.cin_census._tokens), and the
start tags each table asks for by name and containers (positions, for cin_census._rows: below),
and the conservative well-formedness check read_cin asks before lxml (well_formed: below).

scan(source, code_of, first_read_code, stop_at_markup) walks the bytes of a census file once and
returns only the tags the reader keeps, as raw columns: (lines, codes, views, texts, valid,
nulls, ampersand), or None when stop_at_markup is true and a comment or CDATA section turns up
(the caller then scans the file rewritten without them).

Why C: the census is 1.8 GB of the national extracts' 2.6 GB. Split by library calls (Polars,
DuckDB, numpy: docs/benchmarks.md, sessions 5-8) every one of its tags (8.6 million in a 167 MB
file) becomes a string in a column before most are dropped, about 0.35 us a tag; here a tag
that is not kept costs a hash of its bytes, and no Python object is made per tag.

What a tag is, as the Polars reader before this read it: the file is cut into lines at '\n' (one
'\r' before it, or at the end of the file, is not part of the line); each '<' starts a piece that
runs to the next '<' or the end of its line; a piece's tag is its text up to its first '>', and
its text is what follows that '>' (none when the piece has no '>'). code_of (a Python callable,
the one definition of the tags kept) is called once for each distinct tag: it returns the tag's
code (0-254: name * 3 + kind) or None for a tag not kept. Codes below first_read_code are
containers' (no text); the others are elements read, whose text is stripped of Unicode white
space (as Rust's str::trim, which Polars' strip_chars uses) and null when blank. Texts must be
UTF-8 (the file has been checked well-formed before): a text that is not raises ValueError.

lines: int32 line numbers from 1 (a source of 2 GB or more is refused); codes: uint8; views,
texts, valid: an Arrow string view column in Polars' own layout, so that Polars takes it without a
copy or a cast (16-byte views: the length, then the text itself when it is up to 12 bytes, else
its first 4 bytes, buffer 0 and its offset in `texts`, which holds only those longer texts;
validity bitmap) with `nulls` nulls; ampersand: whether any text holds '&' (an entity the caller
decodes). The scan runs without the GIL (files are read in threads), taking it back only to call
code_of and to grow the columns. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define NOT_KEPT 255
enum { START, END, EMPTY }; /* a code's kind, code % 3 (cin_census's _START, _END, _EMPTY) */
#define STOPPED (-2) /* a comment or CDATA section seen with stop_at_markup */
#define FAILED (-1)  /* a Python exception is set */

typedef struct {
    const unsigned char *key; /* into the source, which outlives the scan */
    Py_ssize_t length;
    uint64_t hash;
    int code;
} Entry;

typedef struct {
    PyThreadState *thread; /* saved while the scan runs without the GIL */
    PyObject *code_of;
    int first_read_code, stop_at_markup;
    Entry *entries; /* the distinct tags seen: open addressing, a power of two of slots */
    size_t slots, used;
    PyObject *lines, *codes, *views, *texts, *valid; /* bytearrays, grown with the GIL */
    Py_ssize_t count, capacity, text_bytes, text_capacity, nulls;
    int ampersand;
    Py_ssize_t bad_line; /* the line of a text that is not UTF-8, else 0 */
} Scan;

#define VIEW 16   /* bytes of a string view */
#define INLINE 12 /* a text up to this long is held in its view */

/* Eight bytes at a time (the scan's time is in finding the few bytes that end tags and texts) */
#define ONES 0x0101010101010101ull
#define LOWS (0x7F * ONES)

/* 8 bytes as a word, the first the lowest */
static inline uint64_t load(const unsigned char *p) {
    uint64_t word;
    memcpy(&word, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    word = __builtin_bswap64(word);
#endif
    return word;
}

/* 0x80 in each byte of word equal to c, 0 in the others (exact: no carry between bytes) */
static inline uint64_t equal(uint64_t word, unsigned char c) {
    uint64_t x = word ^ (c * ONES);
    return ~(((x & LOWS) + LOWS) | x | LOWS);
}

/* the first '<', '\n' or (with gt) '>' at or after p, else end */
static const unsigned char *find_stop(const unsigned char *p, const unsigned char *end, int gt) {
    for (; end - p >= 8; p += 8) {
        uint64_t word = load(p), stops = equal(word, '<') | equal(word, '\n') | (gt ? equal(word, '>') : 0);
        if (stops)
            return p + __builtin_ctzll(stops) / 8;
    }
    while (p < end && *p != '<' && *p != '\n' && !(gt && *p == '>'))
        p++;
    return p;
}

/* the next '<' at or after p, else end, adding the line ends before it to *line */
static const unsigned char *find_tag(const unsigned char *p, const unsigned char *end, Py_ssize_t *line) {
    for (; end - p >= 8; p += 8) {
        uint64_t word = load(p), tags = equal(word, '<'), ends = equal(word, '\n');
        if (tags) {
            ends &= (tags & -tags) - 1; /* those before the '<' */
            *line += ends ? __builtin_popcountll(ends) : 0;
            return p + __builtin_ctzll(tags) / 8;
        }
        *line += ends ? __builtin_popcountll(ends) : 0;
    }
    for (; p < end && *p != '<'; p++)
        *line += *p == '\n';
    return p;
}

static inline uint64_t mix(uint64_t h, uint64_t word) {
    h = (h ^ word) * 0xff51afd7ed558ccdull;
    return h ^ (h >> 32);
}

/* the hash of the n bytes at p; bytes up to limit may be read (and masked off) */
static uint64_t hash_bytes(const unsigned char *p, Py_ssize_t n, const unsigned char *limit) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)n, word = 0;
    for (; n >= 8; p += 8, n -= 8)
        h = mix(h, load(p));
    if (n && limit - p >= 8)
        word = load(p) & (~0ull >> (64 - 8 * n));
    else
        for (int i = 0; i < n; i++)
            word |= (uint64_t)p[i] << (8 * i);
    return mix(h, word);
}

/* the tag's code from code_of, with the GIL taken back for the call */
static int code_of_new_tag(Scan *s, const unsigned char *tag, Py_ssize_t length) {
    if (s->stop_at_markup && ((length >= 3 && memcmp(tag, "!--", 3) == 0) ||
                              (length >= 8 && memcmp(tag, "![CDATA[", 8) == 0)))
        return STOPPED;
    PyEval_RestoreThread(s->thread);
    int code = FAILED;
    PyObject *text = PyUnicode_DecodeUTF8((const char *)tag, length, NULL);
    PyObject *result = text ? PyObject_CallOneArg(s->code_of, text) : NULL;
    if (result == Py_None) {
        code = NOT_KEPT;
    } else if (result) {
        long value = PyLong_AsLong(result);
        if (value >= 0 && value < NOT_KEPT)
            code = (int)value;
        else if (!PyErr_Occurred())
            PyErr_SetString(PyExc_ValueError, "code_of must return None or an int from 0 to 254");
    }
    Py_XDECREF(result);
    Py_XDECREF(text);
    s->thread = PyEval_SaveThread();
    return code;
}

static int grow_table(Scan *s) {
    size_t slots = s->slots * 2;
    Entry *entries = PyMem_RawCalloc(slots, sizeof(Entry));
    if (!entries)
        return FAILED;
    for (size_t i = 0; i < s->slots; i++) {
        if (!s->entries[i].key)
            continue;
        size_t at = s->entries[i].hash & (slots - 1);
        while (entries[at].key)
            at = (at + 1) & (slots - 1);
        entries[at] = s->entries[i];
    }
    PyMem_RawFree(s->entries);
    s->entries = entries;
    s->slots = slots;
    return 0;
}

/* the code of a tag: from the table, or from code_of the first time the tag is seen */
static int lookup(Scan *s, const unsigned char *tag, Py_ssize_t length, const unsigned char *limit) {
    uint64_t hash = hash_bytes(tag, length, limit);
    size_t at = hash & (s->slots - 1);
    for (; s->entries[at].key; at = (at + 1) & (s->slots - 1)) {
        Entry *e = &s->entries[at];
        if (e->hash == hash && e->length == length && memcmp(e->key, tag, (size_t)length) == 0)
            return e->code;
    }
    int code = code_of_new_tag(s, tag, length);
    if (code < 0)
        return code;
    /* an empty tag ("<" at a line's end) still needs a non-null key */
    s->entries[at] = (Entry){length ? tag : (const unsigned char *)"", length, hash, code};
    if (++s->used * 2 > s->slots && grow_table(s) < 0) {
        PyEval_RestoreThread(s->thread);
        PyErr_NoMemory();
        s->thread = PyEval_SaveThread();
        return FAILED;
    }
    return code;
}

/* room for one more tag and `text` more bytes of text, growing the columns with the GIL */
static int reserve(Scan *s, Py_ssize_t text) {
    if (s->count < s->capacity && text <= s->text_capacity - s->text_bytes)
        return 0;
    PyEval_RestoreThread(s->thread);
    int failed = 0;
    if (s->count >= s->capacity) {
        Py_ssize_t capacity = s->capacity * 2;
        failed = PyByteArray_Resize(s->lines, capacity * 4) || PyByteArray_Resize(s->codes, capacity) ||
                 PyByteArray_Resize(s->views, capacity * VIEW) ||
                 PyByteArray_Resize(s->valid, (capacity + 7) / 8);
        if (!failed)
            s->capacity = capacity;
    }
    if (!failed && text > s->text_capacity - s->text_bytes) {
        Py_ssize_t capacity = s->text_capacity * 2 > s->text_bytes + text ? s->text_capacity * 2
                                                                          : s->text_bytes + text;
        failed = PyByteArray_Resize(s->texts, capacity);
        if (!failed)
            s->text_capacity = capacity;
    }
    s->thread = PyEval_SaveThread();
    return failed ? FAILED : 0;
}

/* the length (1-4) of the valid UTF-8 character starting at p (before end), else 0 (an overlong
   form, a surrogate, a code point above U+10FFFF, a cut sequence) */
static int utf8_length(const unsigned char *p, const unsigned char *end) {
    unsigned char c = *p++;
    if (c < 0x80)
        return 1;
    int more;
    unsigned char low = 0x80, high = 0xBF; /* the range of the byte after the first */
    if (c >= 0xC2 && c <= 0xDF)
        more = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        more = 2;
        if (c == 0xE0) low = 0xA0;
        if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        more = 3;
        if (c == 0xF0) low = 0x90;
        if (c == 0xF4) high = 0x8F;
    } else
        return 0;
    if (end - p < more || p[0] < low || p[0] > high)
        return 0;
    for (int i = 1; i < more; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return more + 1;
}

/* valid UTF-8 */
static int is_utf8(const unsigned char *p, const unsigned char *end) {
    for (int n; p < end; p += n)
        if (!(n = utf8_length(p, end)))
            return 0;
    return 1;
}

/* the length (1-3) of the Unicode white space character starting at p (before end), else 0:
   U+0009-000D, 0020, 0085, 00A0, 1680, 2000-200A, 2028, 2029, 202F, 205F, 3000 */
static int space_at(const unsigned char *p, const unsigned char *end) {
    Py_ssize_t n = end - p;
    if (*p == ' ' || (*p >= 0x09 && *p <= 0x0D))
        return 1;
    if (n >= 2 && p[0] == 0xC2 && (p[1] == 0x85 || p[1] == 0xA0))
        return 2;
    if (n < 3)
        return 0;
    if ((p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80) || (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80))
        return 3;
    if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] <= 0x8A || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF))
        return 3; /* p[2] >= 0x80: valid UTF-8 */
    if (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F)
        return 3;
    return 0;
}

/* the same for the character ending at end (valid UTF-8, so a lead byte 2 or 3 back starts it) */
static int space_before(const unsigned char *start, const unsigned char *end) {
    if (end - start >= 1 && end[-1] < 0x80)
        return space_at(end - 1, end);
    if (end - start >= 2 && end[-2] == 0xC2)
        return space_at(end - 2, end);
    if (end - start >= 3 && (end[-3] & 0xF0) == 0xE0)
        return space_at(end - 3, end);
    return 0;
}

/* one kept tag: its line, code and text (text NULL: none) */
static int emit(Scan *s, Py_ssize_t line, int code, const unsigned char *text, const unsigned char *end) {
    int present = 0;
    if (text) {
        unsigned char high = 0;
        for (const unsigned char *p = text; p < end; p++) {
            high |= *p;
            s->ampersand |= *p == '&';
        }
        if (high >= 0x80 && !is_utf8(text, end)) {
            s->bad_line = line;
            return FAILED;
        }
        for (int n; text < end && (n = space_at(text, end)); text += n)
            ;
        for (int n; text < end && (n = space_before(text, end)); end -= n)
            ;
        present = text < end;
    }
    Py_ssize_t length = present ? end - text : 0, stored = length > INLINE ? length : 0;
    if (reserve(s, stored) < 0)
        return FAILED;
    Py_ssize_t i = s->count++;
    int32_t number = (int32_t)line; /* below the source's length */
    memcpy(PyByteArray_AS_STRING(s->lines) + i * 4, &number, 4);
    PyByteArray_AS_STRING(s->codes)[i] = (char)code;
    unsigned char view[VIEW] = {0}; /* zeros after an inline text, as Arrow asks */
    uint32_t size = (uint32_t)length, offset = (uint32_t)s->text_bytes;
    memcpy(view, &size, 4);
    if (length)
        memcpy(view + 4, text, (size_t)(stored ? 4 : length));
    if (stored) { /* buffer 0 (bytes 8-11, zero), then the offset */
        memcpy(view + 12, &offset, 4);
        memcpy(PyByteArray_AS_STRING(s->texts) + s->text_bytes, text, (size_t)stored);
        s->text_bytes += stored;
    }
    memcpy(PyByteArray_AS_STRING(s->views) + i * VIEW, view, VIEW);
    unsigned char *valid = (unsigned char *)PyByteArray_AS_STRING(s->valid) + i / 8;
    if (i % 8 == 0)
        *valid = 0;
    if (present)
        *valid |= (unsigned char)(1u << (i % 8));
    else
        s->nulls++;
    return 0;
}

/* the end of a piece that stopped at p: a '\r' ending its line is not part of it */
static const unsigned char *piece_end(const unsigned char *start, const unsigned char *p, const unsigned char *end) {
    return (p == end || *p == '\n') && p > start && p[-1] == '\r' ? p - 1 : p;
}

static int run(Scan *s, const unsigned char *p, const unsigned char *end) {
    Py_ssize_t line = 1;
    for (;;) {
        p = find_tag(p, end, &line);
        if (p == end)
            return 0;
        const unsigned char *tag = ++p;
        p = find_stop(p, end, 1);
        int code = lookup(s, tag, piece_end(tag, p, end) - tag, end);
        if (code < 0)
            return code;
        if (code == NOT_KEPT)
            continue;
        const unsigned char *text = NULL, *text_end = NULL;
        if (code >= s->first_read_code && p < end && *p == '>') {
            text = ++p;
            p = find_stop(p, end, 0);
            text_end = piece_end(text, p, end);
        }
        if (emit(s, line, code, text, text_end) < 0)
            return FAILED;
    }
}

static PyObject *scan(PyObject *module, PyObject *args) {
    Py_buffer source;
    Scan s = {0};
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "y*Oip:scan", &source, &s.code_of, &s.first_read_code, &s.stop_at_markup))
        return NULL;
    if (source.len >= INT32_MAX) { /* lines and texts' offsets are 32 bits (the import takes up to 500 MB) */
        PyErr_SetString(PyExc_ValueError, "a CIN census file over 2 GB");
        PyBuffer_Release(&source);
        return NULL;
    }
    s.slots = 256;
    s.capacity = 1 << 16;
    s.text_capacity = 1 << 18;
    s.entries = PyMem_RawCalloc(s.slots, sizeof(Entry));
    s.lines = PyByteArray_FromStringAndSize(NULL, s.capacity * 4);
    s.codes = PyByteArray_FromStringAndSize(NULL, s.capacity);
    s.views = PyByteArray_FromStringAndSize(NULL, s.capacity * VIEW);
    s.texts = PyByteArray_FromStringAndSize(NULL, s.text_capacity);
    s.valid = PyByteArray_FromStringAndSize(NULL, (s.capacity + 7) / 8);
    if (!s.entries || !s.lines || !s.codes || !s.views || !s.texts || !s.valid) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    s.thread = PyEval_SaveThread();
    int outcome = run(&s, source.buf, (const unsigned char *)source.buf + source.len);
    PyEval_RestoreThread(s.thread);
    if (outcome == STOPPED) {
        result = Py_NewRef(Py_None);
    } else if (outcome == 0) {
        if (PyByteArray_Resize(s.lines, s.count * 4) == 0 && PyByteArray_Resize(s.codes, s.count) == 0 &&
            PyByteArray_Resize(s.views, s.count * VIEW) == 0 &&
            PyByteArray_Resize(s.valid, (s.count + 7) / 8) == 0 && PyByteArray_Resize(s.texts, s.text_bytes) == 0)
            result = Py_BuildValue("OOOOOnO", s.lines, s.codes, s.views, s.texts, s.valid, s.nulls,
                                   s.ampersand ? Py_True : Py_False);
    } else if (s.bad_line) {
        PyErr_Format(PyExc_ValueError, "the text on line %zd is not UTF-8", s.bad_line);
    }
done:
    PyMem_RawFree(s.entries);
    Py_XDECREF(s.lines);
    Py_XDECREF(s.codes);
    Py_XDECREF(s.views);
    Py_XDECREF(s.texts);
    Py_XDECREF(s.valid);
    PyBuffer_Release(&source);
    return result;
}

/* well_formed(source) -> the root element's name, or None: a conservative check, without the GIL,
that the bytes are certainly well-formed XML of the plain shape a census export has, so that lxml's
own pass (0.6-0.7 s of CPU a national file) is needed only when it is not sure (cin_census.read_cin).
Plain: valid UTF-8 without U+FFFE/U+FFFF or the control characters XML forbids; an optional UTF-8
byte order mark and XML declaration (version 1.0, encoding UTF-8, standalone); then one element, and
only XML white space outside it; names of ASCII letters, digits, '_', '-' and '.', up to MAX_NAME
bytes (no ':', so no namespace prefix to check); start and end tags balanced with the same names, at
most MAX_DEPTH deep; attributes of distinct names with quoted values; text and values holding only
the five predefined entities and character references to characters XML allows; no "]]>" in text. Anything else (a
DOCTYPE, comment, processing instruction, CDATA section, another encoding, a name or reference it
does not verify, a file over MAX_CERTAIN bytes) is None, "not sure", never "malformed": lxml then
decides, and its message and line are the finding's. None is only ever time lost; a name is a
promise that lxml accepts the file. */
#define MAX_DEPTH 200     /* lxml refuses deeper than 256 (2048 with huge_tree): well inside both */
#define MAX_ATTRIBUTES 16 /* per tag, compared pairwise for duplicates */
#define MAX_NAME 1000     /* bytes: libxml2 refuses a name over 10,000,000 even with huge_tree */
#define MAX_CERTAIN 500000000 /* bytes: libxml2 refuses a text or value over 10^9 even with huge_tree; no
                                 file certain here is half that, so none of its texts can reach the limit */
#define HIGHS (0x80 * ONES)

static inline int is_space(unsigned char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* ASCII letters and '_' start a name; they, digits, '-' and '.' continue it (a bit per character) */
static const uint64_t NAME_STARTS[2] = {0, 0x07fffffe87fffffeull}, NAME_CHARS[2] = {0x03ff600000000000ull,
                                                                                     0x07fffffe87fffffeull};

static inline int is_name_start(unsigned char c) {
    return c < 128 && (NAME_STARTS[c >> 6] >> (c & 63)) & 1;
}

static inline int is_name_char(unsigned char c) {
    return c < 128 && (NAME_CHARS[c >> 6] >> (c & 63)) & 1;
}

static const unsigned char *skip_space(const unsigned char *p, const unsigned char *end) {
    while (p < end && is_space(*p))
        p++;
    return p;
}

/* the end of the name at p, or NULL when none starts there */
static const unsigned char *name_end(const unsigned char *p, const unsigned char *end) {
    const unsigned char *start = p;
    if (p == end || !is_name_start(*p))
        return NULL;
    for (p++; p < end && is_name_char(*p); p++)
        ;
    return p - start > MAX_NAME ? NULL : p;
}

/* whether the bytes at p are the literal, then the end of the literal */
static const unsigned char *literal(const unsigned char *p, const unsigned char *end, const char *text) {
    size_t n = strlen(text);
    return (size_t)(end - p) >= n && memcmp(p, text, n) == 0 ? p + n : NULL;
}

/* the end of the reference after an '&' at p (p past it), or NULL: a predefined entity or a
   character reference (up to 8 digits) to a character XML allows */
static const unsigned char *reference_end(const unsigned char *p, const unsigned char *end) {
    static const char *const entities[] = {"lt;", "gt;", "amp;", "apos;", "quot;"};
    if (p == end || *p != '#') {
        for (size_t i = 0; i < sizeof entities / sizeof *entities; i++) {
            const unsigned char *after = literal(p, end, entities[i]);
            if (after)
                return after;
        }
        return NULL;
    }
    int hex = end - p >= 2 && p[1] == 'x', digits = 0;
    uint32_t value = 0;
    for (p += 1 + hex; p < end && digits < 8; p++, digits++) {
        unsigned char c = *p, lower = c | 0x20;
        if (c >= '0' && c <= '9')
            value = value * (hex ? 16 : 10) + (c - '0');
        else if (hex && lower >= 'a' && lower <= 'f')
            value = value * 16 + (lower - 'a' + 10);
        else
            break;
    }
    if (!digits || p == end || *p != ';')
        return NULL;
    int allowed = value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value <= 0xD7FF) ||
                  (value >= 0xE000 && value <= 0xFFFD) || (value >= 0x10000 && value <= 0x10FFFF);
    return allowed ? p + 1 : NULL;
}

/* the length of the character XML allows at p (before end), else 0 (the caller has found '<', '&',
   ']' and the quotes meaningful before asking) */
static int char_length(const unsigned char *p, const unsigned char *end) {
    if (*p < 0x20)
        return is_space(*p);
    if (*p < 0x80)
        return 1;
    int n = utf8_length(p, end); /* U+FFFE and U+FFFF are UTF-8 but no XML characters */
    return n == 3 && p[0] == 0xEF && p[1] == 0xBF && p[2] >= 0xBE ? 0 : n;
}

/* 0x80 in each byte of word below 0x20 other than tab, line feed and carriage return */
static inline uint64_t forbidden_controls(uint64_t word) {
    uint64_t below = ~(((word & LOWS) + 0x60 * ONES) | word) & HIGHS; /* exact: no carry between bytes */
    return below & ~(equal(word, '\t') | equal(word, '\n') | equal(word, '\r'));
}

/* the end of the text or attribute value at p: the first '<' (text) or `quote` (a value), or end;
   NULL when it holds anything not allowed there or not verified */
static const unsigned char *characters_end(const unsigned char *p, const unsigned char *end, unsigned char quote) {
    for (;;) {
        for (; end - p >= 8; p += 8) {
            uint64_t word = load(p);
            uint64_t stops = equal(word, '<') | equal(word, '&') | (word & HIGHS) | forbidden_controls(word) |
                             (quote ? equal(word, quote) : equal(word, ']'));
            if (stops) {
                p += __builtin_ctzll(stops) / 8;
                break;
            }
        }
        if (p == end)
            return p;
        if (*p == '<')
            return quote ? NULL : p;
        if (quote && *p == quote)
            return p;
        int n;
        if (*p == '&') {
            if (!(p = reference_end(p + 1, end)))
                return NULL;
        } else if (*p == ']' && !quote) {
            if (literal(p, end, "]]>"))
                return NULL;
            p++;
        } else if ((n = char_length(p, end)))
            p += n;
        else
            return NULL;
    }
}

/* the opening quote of the value after a name ending at p (S? '=' S? then ' or "), or NULL */
static const unsigned char *value_quote(const unsigned char *p, const unsigned char *end) {
    p = skip_space(p, end);
    if (p == end || *p != '=')
        return NULL;
    p = skip_space(p + 1, end);
    return p < end && (*p == '"' || *p == '\'') ? p : NULL;
}

/* the end of the XML declaration at p (past "<?xml"), or NULL when it is not a plain one */
static const unsigned char *declaration_end(const unsigned char *p, const unsigned char *end) {
    static const char *const parts[][3] = {
        {"version", "1.0", NULL}, {"encoding", "UTF-8", "utf-8"}, {"standalone", "yes", "no"}};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        const unsigned char *at = skip_space(p, end), *after;
        if (at == p || !(after = literal(at, end, parts[i][0]))) {
            if (i == 0)
                return NULL; /* the version is required, the others are not */
            continue;
        }
        if (!(after = value_quote(after, end)))
            return NULL;
        unsigned char quote = *after++;
        const unsigned char *value = NULL;
        for (int choice = 1; choice < 3 && !value; choice++)
            value = parts[i][choice] ? literal(after, end, parts[i][choice]) : NULL;
        if (!value || value == end || *value != quote)
            return NULL;
        p = value + 1;
    }
    return literal(skip_space(p, end), end, "?>");
}

/* the end of the start tag whose name ends at p (attributes, then '>' or "/>"), or NULL; *empty
   says whether it was "/>" */
static const unsigned char *start_tag_end(const unsigned char *p, const unsigned char *end, int *empty) {
    const unsigned char *names[MAX_ATTRIBUTES];
    Py_ssize_t lengths[MAX_ATTRIBUTES];
    for (int count = 0;; count++) {
        const unsigned char *at = skip_space(p, end);
        if (at < end && *at == '>') {
            *empty = 0;
            return at + 1;
        }
        if ((*empty = literal(at, end, "/>") != NULL))
            return at + 2;
        const unsigned char *name = at, *after = name_end(name, end);
        if (at == p || !after || count == MAX_ATTRIBUTES) /* an attribute needs white space before it */
            return NULL;
        Py_ssize_t length = after - name;
        for (int i = 0; i < count; i++)
            if (lengths[i] == length && memcmp(names[i], name, (size_t)length) == 0)
                return NULL;
        names[count] = name;
        lengths[count] = length;
        if (!(after = value_quote(after, end)))
            return NULL;
        const unsigned char *value = after + 1, *value_end = characters_end(value, end, *after);
        if (!value_end || value_end == end)
            return NULL;
        /* a default namespace: the reserved ones (XML's, xmlns') break the namespace rules: none from w3.org */
        if (length == 5 && memcmp(name, "xmlns", 5) == 0)
            for (const unsigned char *q = value; q < value_end; q++)
                if (*q == '&' || literal(q, value_end, "w3.org"))
                    return NULL;
        p = value_end + 1;
    }
}

/* the root's name when the document is certainly well-formed, else NULL (*root_length its length) */
static const unsigned char *check_document(const unsigned char *p, const unsigned char *end, Py_ssize_t *root_length) {
    const unsigned char *open[MAX_DEPTH], *root = NULL;
    Py_ssize_t lengths[MAX_DEPTH];
    int depth = 0;
    const unsigned char *after_mark = literal(p, end, "\xEF\xBB\xBF");
    p = after_mark ? after_mark : p;
    const unsigned char *after_declaration = literal(p, end, "<?xml");
    if (after_declaration && !(p = declaration_end(after_declaration, end)))
        return NULL;
    for (;;) {
        /* outside the root only white space, inside it text */
        p = depth ? characters_end(p, end, 0) : skip_space(p, end);
        if (!p)
            return NULL;
        if (p == end)
            break;
        if (*p != '<')
            return NULL;
        p++;
        if (p < end && *p == '/') { /* the open element's name (checked at its start), then no name character */
            if (!depth || end - p - 1 <= lengths[depth - 1] ||
                memcmp(p + 1, open[depth - 1], (size_t)lengths[depth - 1]) != 0)
                return NULL;
            p = skip_space(p + 1 + lengths[depth - 1], end);
            if (p == end || *p != '>')
                return NULL;
            p++;
            depth--;
            continue;
        }
        const unsigned char *name = p, *after = name_end(name, end); /* '!' and '?' are no name's start */
        int empty;
        if (!after || (!depth && root) || depth == MAX_DEPTH || !(p = start_tag_end(after, end, &empty)))
            return NULL;
        if (!depth) {
            root = name;
            *root_length = after - name;
        }
        if (!empty) {
            open[depth] = name;
            lengths[depth++] = after - name;
        }
    }
    return depth ? NULL : root;
}

static PyObject *well_formed(PyObject *module, PyObject *args) {
    Py_buffer source;
    if (!PyArg_ParseTuple(args, "y*:well_formed", &source))
        return NULL;
    const unsigned char *root;
    Py_ssize_t length = 0;
    Py_BEGIN_ALLOW_THREADS
    root = source.len > MAX_CERTAIN ? NULL
                                     : check_document(source.buf, (const unsigned char *)source.buf + source.len, &length);
    Py_END_ALLOW_THREADS
    PyObject *result = root ? PyUnicode_DecodeASCII((const char *)root, length, NULL) : Py_NewRef(Py_None);
    PyBuffer_Release(&source);
    return result;
}

/* positions(codes, present, containers, names, requests) -> one result a request: for the codes of a
scan (uint8, name * 3 + kind) and whether each tag has a text (`present`, a byte a tag), the start (or
empty) tags each request asks for, found in one pass that numbers the first `containers` names open at
each tag (the n-th started, counted from 1 through the file, while more have started than ended, else 0:
so a container's number never decreases down the tags where it is open). A request is (element,
container, inside, outside, texts, first): the element's tags where the container's number is above 0
(any tag when container is -1), so is the inside container's (unless -1), no container of the bitmask
`outside` is open and (with texts) the tag has a text. With first, the result is the position of the
first such tag at each number of the container (int64, one for each of 0 to the count of its start
tags, -1 where none); else it is (positions (int64), the container's number at each (int32), and the
element's own number at each (int32), or None when the element is not a container), in file order.
Without it, every field's table of first tags was worked out from a copy of the seven numbers at
every start tag (115 MB for a 175 MB file) scanned name by name in numpy. */
typedef struct {
    int element, container, inside, texts, first; /* container and inside -1: none */
    uint32_t outside;                             /* a bit a container */
    int next;                                     /* the element's next request, else -1 */
    int32_t last;                                 /* first: the last number with its tag found */
    Py_ssize_t found, size;                       /* all: tags found; first: numbers (0 to the last) */
    PyObject *outputs[3];                         /* positions (or firsts), numbers, own numbers (or NULL) */
    int64_t *at;
    int32_t *numbers, *own;
} Request;

static PyObject *positions(PyObject *module, PyObject *args) {
    Py_buffer source, present;
    int containers, names;
    PyObject *requests;
    if (!PyArg_ParseTuple(args, "y*y*iiO:positions", &source, &present, &containers, &names, &requests))
        return NULL;
    PyObject *list = NULL, *result = NULL;
    Request *request = NULL;
    const unsigned char *codes = source.buf, *has_text = present.buf;
    Py_ssize_t count = source.len, counts[NOT_KEPT / 3] = {0}, wanted = 0;
    int32_t started[NOT_KEPT / 3] = {0}, ended[NOT_KEPT / 3] = {0}, open[NOT_KEPT / 3] = {0};
    int first_request[NOT_KEPT / 3];
    if (names < 0 || names > NOT_KEPT / 3 || containers < 0 || containers > names || containers > 31) {
        PyErr_SetString(PyExc_ValueError, "positions: 0 <= containers <= 31, containers <= names <= 85");
        goto done;
    }
    if (present.len != count) {
        PyErr_SetString(PyExc_ValueError, "positions: present must have a byte a code");
        goto done;
    }
    if (!(list = PySequence_Fast(requests, "positions: requests must be a sequence")))
        goto done;
    wanted = PySequence_Fast_GET_SIZE(list);
    if (!(request = PyMem_Calloc(wanted ? wanted : 1, sizeof(Request)))) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        if (codes[i] >= names * 3) {
            PyErr_Format(PyExc_ValueError, "positions: code %d is no name's", codes[i]);
            goto done;
        }
        counts[codes[i] / 3] += codes[i] % 3 != END;
    }
    for (int name = 0; name < names; name++)
        first_request[name] = -1;
    for (Py_ssize_t r = wanted - 1; r >= 0; r--) { /* each name's requests chained, in order */
        Request *q = request + r;
        int outside;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(list, r), "iiiipp:request", &q->element, &q->container,
                              &q->inside, &outside, &q->texts, &q->first))
            goto done;
        if (q->element < 0 || q->element >= names || q->container < -1 || q->container >= containers ||
            q->inside < -1 || q->inside >= containers || outside < 0 || (int64_t)outside >= ((int64_t)1 << containers) ||
            (q->first && q->container < 0)) {
            PyErr_Format(PyExc_ValueError, "positions: request %zd is out of range", r);
            goto done;
        }
        q->outside = (uint32_t)outside;
        q->next = first_request[q->element];
        first_request[q->element] = (int)r;
        /* first: a number for each of the container's start tags and 0; all: room for every tag of the
           element, cut to those found */
        q->size = q->first ? counts[q->container] + 1 : counts[q->element];
        if (!(q->outputs[0] = PyByteArray_FromStringAndSize(NULL, q->size * 8)))
            goto done;
        q->at = (int64_t *)PyByteArray_AS_STRING(q->outputs[0]);
        if (q->first)
            continue;
        if (!(q->outputs[1] = PyByteArray_FromStringAndSize(NULL, q->size * 4)) ||
            (q->element < containers && !(q->outputs[2] = PyByteArray_FromStringAndSize(NULL, q->size * 4))))
            goto done;
        q->numbers = (int32_t *)PyByteArray_AS_STRING(q->outputs[1]);
        q->own = q->outputs[2] ? (int32_t *)PyByteArray_AS_STRING(q->outputs[2]) : NULL;
    }
    uint32_t opened = 0; /* a bit for each container open */
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        int name = codes[i] / 3, kind = codes[i] % 3;
        if (name < containers && kind != EMPTY) {
            (kind == START ? started : ended)[name]++;
            open[name] = started[name] > ended[name] ? started[name] : 0;
            opened = open[name] ? opened | 1u << name : opened & ~(1u << name);
        }
        if (kind == END)
            continue;
        for (int r = first_request[name]; r >= 0; r = request[r].next) {
            Request *q = request + r;
            int32_t number = q->container >= 0 ? open[q->container] : 0;
            if ((q->container >= 0 && number == 0) || (q->inside >= 0 && open[q->inside] == 0) ||
                (q->texts && !has_text[i]) || (opened & q->outside))
                continue;
            if (!q->first) {
                Py_ssize_t at = q->found++; /* below the element's count of tags, counted above */
                q->at[at] = i;
                q->numbers[at] = number;
                if (q->own)
                    q->own[at] = open[name];
            } else if (number > q->last && number < q->size) { /* a container's number never decreases
                while it is open, nor passes its count of start tags: written in order, once each */
                while (++q->last < number)
                    q->at[q->last] = -1;
                q->at[number] = i;
            }
        }
    }
    for (Py_ssize_t r = 0; r < wanted; r++) /* the numbers past the last found, and 0, have none */
        if (request[r].first) {
            request[r].at[0] = -1;
            while (++request[r].last < request[r].size)
                request[r].at[request[r].last] = -1;
        }
    Py_END_ALLOW_THREADS
    if (!(result = PyList_New(wanted)))
        goto done;
    for (Py_ssize_t r = 0; r < wanted; r++) {
        Request *q = request + r;
        PyObject *item;
        if (q->first) {
            item = Py_NewRef(q->outputs[0]);
        } else {
            if (PyByteArray_Resize(q->outputs[0], q->found * 8) || PyByteArray_Resize(q->outputs[1], q->found * 4) ||
                (q->outputs[2] && PyByteArray_Resize(q->outputs[2], q->found * 4))) {
                Py_CLEAR(result);
                goto done;
            }
            item = PyTuple_Pack(3, q->outputs[0], q->outputs[1], q->outputs[2] ? q->outputs[2] : Py_None);
        }
        if (!item) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, r, item);
    }
done:
    if (request)
        for (Py_ssize_t r = 0; r < wanted; r++)
            for (int k = 0; k < 3; k++)
                Py_XDECREF(request[r].outputs[k]);
    PyMem_Free(request);
    Py_XDECREF(list);
    PyBuffer_Release(&source);
    PyBuffer_Release(&present);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(source, code_of, first_read_code, stop_at_markup) -> (lines, codes, views, texts, valid, "
     "nulls, ampersand) or None: the kept tags of a CIN census file's bytes (see the module's doc)."},
    {"well_formed", well_formed, METH_VARARGS,
     "well_formed(source) -> the root element's name when the bytes are certainly well-formed XML of a "
     "census export's plain shape, else None (not sure: lxml decides; see its comment)."},
    {"positions", positions, METH_VARARGS,
     "positions(codes, present, containers, names, requests) -> the start tags each request asks for, by "
     "element, container and text, first at each container's number or all (see its comment)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_cin_tags",
    "The CIN census reader's text-to-tags pass in C: one pass over a census file's bytes yielding only\n"
    "the tags the reader keeps (line, code, text) as raw columns, with no Python object per tag; the\n"
    "same work split by Polars made a string of every one of the file's millions of tags.",
    -1, methods,
};

PyMODINIT_FUNC PyInit__cin_tags(void) {
    return PyModule_Create(&module);
}
