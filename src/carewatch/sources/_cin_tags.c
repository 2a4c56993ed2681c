/* The CIN census reader's text-to-tags pass (carewatch.sources.cin_census._tokens), and the
start tags it keeps by name with their containers' numbers (structure, for cin_census._Tags: below).

scan(source, code_of, first_read_code, stop_at_markup) walks the bytes of a census file once and
returns only the tags the reader keeps, as raw columns: (lines, codes, offsets, texts, valid,
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
UTF-8 (lxml has checked the file before): a text that is not raises ValueError.

lines: int64 line numbers from 1; codes: uint8; offsets, texts, valid: an Arrow large_string
column (int64 offsets, UTF-8 data, validity bitmap) with `nulls` nulls; ampersand: whether any
text holds '&' (an entity the caller decodes). The scan runs without the GIL (files are read
in threads), taking it back only to call code_of and to grow the columns. */
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
    PyObject *lines, *codes, *offsets, *texts, *valid; /* bytearrays, grown with the GIL */
    Py_ssize_t count, capacity, text_bytes, text_capacity, nulls;
    int ampersand;
    Py_ssize_t bad_line; /* the line of a text that is not UTF-8, else 0 */
} Scan;

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
        failed = PyByteArray_Resize(s->lines, capacity * 8) || PyByteArray_Resize(s->codes, capacity) ||
                 PyByteArray_Resize(s->offsets, (capacity + 1) * 8) ||
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

/* valid UTF-8 (no overlong forms, surrogates or code points above U+10FFFF) */
static int is_utf8(const unsigned char *p, const unsigned char *end) {
    while (p < end) {
        unsigned char c = *p++;
        if (c < 0x80)
            continue;
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
        p += more;
    }
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
    Py_ssize_t length = present ? end - text : 0;
    if (reserve(s, length) < 0)
        return FAILED;
    Py_ssize_t i = s->count++;
    int64_t number = line, offset;
    memcpy(PyByteArray_AS_STRING(s->lines) + i * 8, &number, 8);
    PyByteArray_AS_STRING(s->codes)[i] = (char)code;
    if (length)
        memcpy(PyByteArray_AS_STRING(s->texts) + s->text_bytes, text, (size_t)length);
    s->text_bytes += length;
    offset = s->text_bytes;
    memcpy(PyByteArray_AS_STRING(s->offsets) + (i + 1) * 8, &offset, 8);
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
    s.slots = 256;
    s.capacity = 1 << 16;
    s.text_capacity = 1 << 18;
    s.entries = PyMem_RawCalloc(s.slots, sizeof(Entry));
    s.lines = PyByteArray_FromStringAndSize(NULL, s.capacity * 8);
    s.codes = PyByteArray_FromStringAndSize(NULL, s.capacity);
    s.offsets = PyByteArray_FromStringAndSize(NULL, (s.capacity + 1) * 8);
    s.texts = PyByteArray_FromStringAndSize(NULL, s.text_capacity);
    s.valid = PyByteArray_FromStringAndSize(NULL, (s.capacity + 7) / 8);
    if (!s.entries || !s.lines || !s.codes || !s.offsets || !s.texts || !s.valid) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    memset(PyByteArray_AS_STRING(s.offsets), 0, 8);
    s.thread = PyEval_SaveThread();
    int outcome = run(&s, source.buf, (const unsigned char *)source.buf + source.len);
    PyEval_RestoreThread(s.thread);
    if (outcome == STOPPED) {
        result = Py_NewRef(Py_None);
    } else if (outcome == 0) {
        if (PyByteArray_Resize(s.lines, s.count * 8) == 0 && PyByteArray_Resize(s.codes, s.count) == 0 &&
            PyByteArray_Resize(s.offsets, (s.count + 1) * 8) == 0 &&
            PyByteArray_Resize(s.valid, (s.count + 7) / 8) == 0 && PyByteArray_Resize(s.texts, s.text_bytes) == 0)
            result = Py_BuildValue("OOOOOnO", s.lines, s.codes, s.offsets, s.texts, s.valid, s.nulls,
                                   s.ampersand ? Py_True : Py_False);
    } else if (s.bad_line) {
        PyErr_Format(PyExc_ValueError, "the text on line %zd is not UTF-8", s.bad_line);
    }
done:
    PyMem_RawFree(s.entries);
    Py_XDECREF(s.lines);
    Py_XDECREF(s.codes);
    Py_XDECREF(s.offsets);
    Py_XDECREF(s.texts);
    Py_XDECREF(s.valid);
    PyBuffer_Release(&source);
    return result;
}

/* structure(codes, containers, names) -> (numbers, starts, bounds): for the codes of a scan (uint8,
name * 3 + kind), the start (or empty) tags' positions (int64) sorted by name, file order kept, with
each name's first place in them (int64 bounds, names + 1), and the number of each of the first
`containers` names open at each of those start tags, in the same order (int32, `containers` of them
a tag: the n-th started, counted from 1 through the file, while more have started than ended, else
0). So one name's tags and their containers' numbers are slices, not gathers; a tag's numbers are
one copy of the open ones (each container's in its own row, 224 places written at random, cost
twice as much). In one pass and a counting sort. */
static PyObject *structure(PyObject *module, PyObject *args) {
    Py_buffer source;
    int containers, names;
    if (!PyArg_ParseTuple(args, "y*ii:structure", &source, &containers, &names))
        return NULL;
    PyObject *numbers = NULL, *starts = NULL, *bounds = NULL, *result = NULL;
    const unsigned char *codes = source.buf;
    Py_ssize_t count = source.len, found = 0, at[NOT_KEPT / 3 + 1] = {0};
    int32_t started[NOT_KEPT / 3] = {0}, ended[NOT_KEPT / 3] = {0}, open[NOT_KEPT / 3] = {0};
    if (names < 0 || names > NOT_KEPT / 3 || containers < 0 || containers > names) {
        PyErr_SetString(PyExc_ValueError, "structure: 0 <= containers <= names <= 85");
        goto done;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        if (codes[i] >= names * 3) {
            PyErr_Format(PyExc_ValueError, "structure: code %d is no name's", codes[i]);
            goto done;
        }
        at[codes[i] / 3 + 1] += codes[i] % 3 != END;
    }
    for (int name = 0; name < names; name++) /* each name's first place */
        at[name + 1] += at[name];
    found = at[names];
    numbers = PyByteArray_FromStringAndSize(NULL, containers * found * 4);
    starts = PyByteArray_FromStringAndSize(NULL, found * 8);
    bounds = PyByteArray_FromStringAndSize(NULL, (names + 1) * 8);
    if (!numbers || !starts || !bounds)
        goto done;
    int32_t *number = (int32_t *)PyByteArray_AS_STRING(numbers);
    int64_t *start = (int64_t *)PyByteArray_AS_STRING(starts), *bound = (int64_t *)PyByteArray_AS_STRING(bounds);
    for (int name = 0; name <= names; name++)
        bound[name] = at[name];
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < count; i++) {
        int name = codes[i] / 3, kind = codes[i] % 3;
        if (name < containers && kind != EMPTY) {
            (kind == START ? started : ended)[name]++;
            open[name] = started[name] > ended[name] ? started[name] : 0;
        }
        if (kind == END)
            continue;
        Py_ssize_t place = at[name]++;
        start[place] = i;
        memcpy(number + place * containers, open, containers * sizeof(int32_t));
    }
    Py_END_ALLOW_THREADS
    result = PyTuple_Pack(3, numbers, starts, bounds);
done:
    Py_XDECREF(numbers);
    Py_XDECREF(starts);
    Py_XDECREF(bounds);
    PyBuffer_Release(&source);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS,
     "scan(source, code_of, first_read_code, stop_at_markup) -> (lines, codes, offsets, texts, valid, "
     "nulls, ampersand) or None: the kept tags of a CIN census file's bytes (see the module's doc)."},
    {"structure", structure, METH_VARARGS,
     "structure(codes, containers, names) -> (numbers, starts, bounds): the start tags by name and the "
     "containers open at each (see its comment)."},
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
