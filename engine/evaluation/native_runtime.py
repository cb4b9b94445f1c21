"""The C runtime of the native units (:mod:`native`): frames, their memos, the one-row operators.

A generated module is this runtime, the translated units (:mod:`native_code`) and the table
that names them. A frame (``NF``) holds one household on one day as the Python
:class:`~engine.evaluation.scalar.Frame` does (facts by slot and row, the day's parameters and
tables, the built-in dates, applicant, spouse, partners, twins) and two memos, open-addressed
tables keyed by ``unit << 16 | row`` like the Python ones. A variant frame points to its base
and carries the bitsets of the units that depend on its fact. The operators are the twins of
:mod:`scalar_ops`, step for step (same comparisons, same order, NaN and infinities included).
"""

from __future__ import annotations

__all__ = ["RUNTIME", "module_tail"]

RUNTIME = r"""
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct { double lo, hi; } P2;
static inline P2 p2(double lo, double hi) { P2 p; p.lo = lo; p.hi = hi; return p; }

typedef struct { uint32_t key; double v; } MU;
typedef struct { uint32_t key; double lo, hi; } MB;
typedef struct { uint32_t key; PyObject *v; } MX;

typedef struct {
    PyObject_HEAD
    double *p; Py_ssize_t np;
    double **tk; double **tv; Py_ssize_t *tn; Py_ssize_t nt;
} Day;

typedef struct NF {
    PyObject_HEAD
    struct NF *base;
    Day *day;
    PyObject *du_obj, *db_obj;
    const unsigned char *du, *db;
    Py_ssize_t du_len, db_len;
    int n, a, s, q, nslots;
    int *pt, *w;
    double *f;
    double d[4], z;
    MU *mu; uint32_t mu_cap, mu_len;
    MB *mb; uint32_t mb_cap, mb_len;
    MX *mx; uint32_t mx_cap, mx_len;  /* missing facts: frozensets, allocated when first kept */
} NF;

#define DIRTY(bits, len, unit) \
    (((Py_ssize_t)((unit) >> 3) < (len)) && ((bits)[(unit) >> 3] & (1u << ((unit) & 7))))

/* Fibonacci hashing: the product's high bits depend on every bit of the key (its low bits
   only on the key's low bits, the row) */
static inline uint32_t slot_of(uint32_t key, uint32_t mask) {
    return (uint32_t)(((uint64_t)(key * 2654435761u) << __builtin_ctz(mask + 1)) >> 32);
}

static inline int mu_get(NF *c, uint32_t key, double *out) {
    uint32_t mask = c->mu_cap - 1, i = slot_of(key, mask), k = key + 1;
    for (;;) {
        MU *e = &c->mu[i];
        if (e->key == k) { *out = e->v; return 1; }
        if (e->key == 0) return 0;
        i = (i + 1) & mask;
    }
}

static inline int mb_get(NF *c, uint32_t key, P2 *out) {
    uint32_t mask = c->mb_cap - 1, i = slot_of(key, mask), k = key + 1;
    for (;;) {
        MB *e = &c->mb[i];
        if (e->key == k) { out->lo = e->lo; out->hi = e->hi; return 1; }
        if (e->key == 0) return 0;
        i = (i + 1) & mask;
    }
}

static void mu_insert(MU *table, uint32_t cap, uint32_t key, double v) {
    uint32_t mask = cap - 1, i = slot_of(key, mask), k = key + 1;
    while (table[i].key != 0 && table[i].key != k) i = (i + 1) & mask;
    table[i].key = k; table[i].v = v;
}

static void mb_insert(MB *table, uint32_t cap, uint32_t key, double lo, double hi) {
    uint32_t mask = cap - 1, i = slot_of(key, mask), k = key + 1;
    while (table[i].key != 0 && table[i].key != k) i = (i + 1) & mask;
    table[i].key = k; table[i].lo = lo; table[i].hi = hi;
}

/* the memo is a cache: where memory runs out a value is only not kept */
static void mu_put(NF *c, uint32_t key, double v) {
    if ((c->mu_len + 1) * 2 > c->mu_cap) {
        uint32_t cap = c->mu_cap * 2;
        MU *table = (MU *)PyMem_Calloc(cap, sizeof(MU));
        if (table == NULL) return;
        for (uint32_t i = 0; i < c->mu_cap; i++)
            if (c->mu[i].key) mu_insert(table, cap, c->mu[i].key - 1, c->mu[i].v);
        PyMem_Free(c->mu); c->mu = table; c->mu_cap = cap;
    }
    mu_insert(c->mu, c->mu_cap, key, v);
    c->mu_len++;
}

static void mb_put(NF *c, uint32_t key, P2 v) {
    if ((c->mb_len + 1) * 2 > c->mb_cap) {
        uint32_t cap = c->mb_cap * 2;
        MB *table = (MB *)PyMem_Calloc(cap, sizeof(MB));
        if (table == NULL) return;
        for (uint32_t i = 0; i < c->mb_cap; i++)
            if (c->mb[i].key) mb_insert(table, cap, c->mb[i].key - 1, c->mb[i].lo, c->mb[i].hi);
        PyMem_Free(c->mb); c->mb = table; c->mb_cap = cap;
    }
    mb_insert(c->mb, c->mb_cap, key, v.lo, v.hi);
    c->mb_len++;
}

static inline int mx_get(NF *c, uint32_t key, PyObject **out) {
    if (c->mx == NULL) return 0;
    uint32_t mask = c->mx_cap - 1, i = slot_of(key, mask), k = key + 1;
    for (;;) {
        MX *e = &c->mx[i];
        if (e->key == k) { Py_INCREF(e->v); *out = e->v; return 1; }
        if (e->key == 0) return 0;
        i = (i + 1) & mask;
    }
}

static void mx_insert(MX *table, uint32_t cap, uint32_t key, PyObject *v) {
    uint32_t mask = cap - 1, i = slot_of(key, mask), k = key + 1;
    while (table[i].key != 0 && table[i].key != k) i = (i + 1) & mask;
    if (table[i].key == k) Py_DECREF(table[i].v);
    table[i].key = k; table[i].v = v;
}

/* keeps a new reference to v */
static void mx_put(NF *c, uint32_t key, PyObject *v) {
    if ((c->mx_len + 1) * 2 > c->mx_cap) {
        uint32_t cap = c->mx_cap ? c->mx_cap * 2 : 256;
        MX *table = (MX *)PyMem_Calloc(cap, sizeof(MX));
        if (table == NULL) return;
        for (uint32_t i = 0; i < c->mx_cap; i++)
            if (c->mx[i].key) mx_insert(table, cap, c->mx[i].key - 1, c->mx[i].v);
        PyMem_Free(c->mx); c->mx = table; c->mx_cap = cap;
    }
    Py_INCREF(v);
    mx_insert(c->mx, c->mx_cap, key, v);
    c->mx_len++;
}

/* ------------------------------------------------------------ sets of missing facts */

static PyObject *EMPTY_SET;

static inline PyObject *new_ref(PyObject *o) { Py_XINCREF(o); return o; }
static inline PyObject *set_empty(void) { Py_INCREF(EMPTY_SET); return EMPTY_SET; }

static PyObject *set_one(long code) {
    PyObject *number = PyLong_FromLong(code);
    if (number == NULL) return NULL;
    PyObject *items = PyTuple_Pack(1, number);
    Py_DECREF(number);
    if (items == NULL) return NULL;
    PyObject *out = PyFrozenSet_New(items);
    Py_DECREF(items);
    return out;
}

/* the union; consumes both references (a set is immutable: an empty side gives the other) */
static PyObject *set_or(PyObject *a, PyObject *b) {
    if (a == NULL || b == NULL) { Py_XDECREF(a); Py_XDECREF(b); return NULL; }
    if (PySet_GET_SIZE(b) == 0) { Py_DECREF(b); return a; }
    if (PySet_GET_SIZE(a) == 0) { Py_DECREF(a); return b; }
    PyObject *out = PyNumber_Or(a, b);
    Py_DECREF(a); Py_DECREF(b);
    return out;
}

/* ------------------------------------------------------------ operators (scalar_ops) */

static inline double op_fl(double x) { return floor(x); }

static inline double op_rnd(double x, double scale) {
    if (!isfinite(x)) return x;
    return trunc(x * scale + copysign(0.5 + 1e-9, x)) / scale;
}

static inline double op_mn2(double a, double b) {
    if (b != b || a != a) return NAN;
    return b < a ? b : a;
}
static inline double op_mx2(double a, double b) {
    if (b != b || a != a) return NAN;
    return b > a ? b : a;
}
static inline double op_mn1(double a) { return a == a ? a : NAN; }
static inline double op_mx1(double a) { return a == a ? a : NAN; }

static void civil(long z, long *y, int *m, int *d) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static double op_age(double birth, double on) {
    if (birth != birth || on != on) return NAN;
    if (!isfinite(birth) || !isfinite(on)) return NAN;
    long by, oy; int bm, bd, om, od;
    civil((long)birth, &by, &bm, &bd);
    civil((long)on, &oy, &om, &od);
    int before = (om < bm) || (om == bm && od < bd);
    return (double)(oy - by - before);
}

static inline double finite_or_nan(double x) { return isfinite(x) ? x : NAN; }

static P2 op_age_bounds(P2 births, P2 when) {
    double youngest = op_age(finite_or_nan(births.hi), finite_or_nan(when.lo));
    double oldest = op_age(finite_or_nan(births.lo), finite_or_nan(when.hi));
    return p2(youngest != youngest ? -INFINITY : youngest, oldest != oldest ? INFINITY : oldest);
}

static double quotient(double a, double b) {
    double q;
    if (b == 0.0) q = (a == 0.0) ? NAN : copysign(INFINITY, a) * copysign(1.0, b);
    else q = (b == b) ? a / b : NAN;
    return q != q ? 0.0 : q;
}

static P2 corners(double c0, double c1, double c2, double c3) {
    double lo = c0, hi = c0;
    if (c1 < lo) lo = c1;
    if (c2 < lo) lo = c2;
    if (c3 < lo) lo = c3;
    if (c1 > hi) hi = c1;
    if (c2 > hi) hi = c2;
    if (c3 > hi) hi = c3;
    return p2(lo, hi);
}

static P2 op_b_div(P2 x, P2 y) {
    if (y.lo <= 0.0 && 0.0 <= y.hi) return p2(-INFINITY, INFINITY);
    return corners(quotient(x.lo, y.lo), quotient(x.lo, y.hi), quotient(x.hi, y.lo),
                   quotient(x.hi, y.hi));
}

static inline P2 op_b_round(P2 x, double scale) {
    return p2(op_rnd(x.lo, scale), op_rnd(x.hi, scale));
}

static Py_ssize_t bisect_right(const double *a, Py_ssize_t n, double x) {
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (x < a[mid]) hi = mid; else lo = mid + 1;
    }
    return lo;
}

static double op_lookup(NF *c, int t, double key) {
    if (key != key) return NAN;
    Py_ssize_t n = c->day->tn[t];
    if (n == 0) return NAN;
    Py_ssize_t i = bisect_right(c->day->tk[t], n, key) - 1;
    return c->day->tv[t][i < 0 ? 0 : i];
}

static Py_ssize_t table_row(const double *keys, Py_ssize_t n, double key) {
    Py_ssize_t index = key != key ? n : bisect_right(keys, n, key);
    return index - 1 < 0 ? 0 : index - 1;
}

static P2 op_b_lookup(NF *c, int t, P2 key) {
    Py_ssize_t n = c->day->tn[t];
    const double *keys = c->day->tk[t], *values = c->day->tv[t];
    Py_ssize_t a = table_row(keys, n, key.lo), b = table_row(keys, n, key.hi) + 1;
    if (b > n) b = n;
    if (a >= b) return p2(INFINITY, -INFINITY);
    for (Py_ssize_t i = a; i < b; i++) if (values[i] != values[i]) return p2(NAN, NAN);
    double lo = values[a], hi = values[a];
    for (Py_ssize_t i = a + 1; i < b; i++) {
        if (values[i] < lo) lo = values[i];
        if (values[i] > hi) hi = values[i];
    }
    return p2(INFINITY < lo ? INFINITY : lo, hi < -INFINITY ? -INFINITY : hi);
}
"""

_TAIL = r"""
/* ------------------------------------------------------------ Python objects */

static void day_dealloc(Day *self) {
    for (Py_ssize_t i = 0; i < self->nt; i++) {
        PyMem_Free(self->tk[i]); PyMem_Free(self->tv[i]);
    }
    PyMem_Free(self->tk); PyMem_Free(self->tv); PyMem_Free(self->tn); PyMem_Free(self->p);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject DayType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "lifeevents_native.Day",
    .tp_basicsize = sizeof(Day),
    .tp_dealloc = (destructor)day_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

static void nf_dealloc(NF *self) {
    Py_XDECREF((PyObject *)self->base);
    Py_XDECREF((PyObject *)self->day);
    Py_XDECREF(self->du_obj); Py_XDECREF(self->db_obj);
    PyMem_Free(self->pt); PyMem_Free(self->w); PyMem_Free(self->f);
    PyMem_Free(self->mu); PyMem_Free(self->mb);
    for (uint32_t i = 0; i < self->mx_cap; i++)
        if (self->mx[i].key) Py_DECREF(self->mx[i].v);
    PyMem_Free(self->mx);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject NFType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "lifeevents_native.Frame",
    .tp_basicsize = sizeof(NF),
    .tp_dealloc = (destructor)nf_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
};

static int doubles(PyObject *seq, double *out, Py_ssize_t n) {
    PyObject *fast = PySequence_Fast(seq, "a list of numbers");
    if (fast == NULL) return -1;
    if (PySequence_Fast_GET_SIZE(fast) != n) {
        Py_DECREF(fast);
        PyErr_SetString(PyExc_ValueError, "a list of numbers of the wrong length");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(fast, i));
        if (out[i] == -1.0 && PyErr_Occurred()) { Py_DECREF(fast); return -1; }
    }
    Py_DECREF(fast);
    return 0;
}

static int *ints(PyObject *seq, Py_ssize_t n) {
    PyObject *fast = PySequence_Fast(seq, "a list of rows");
    if (fast == NULL) return NULL;
    if (PySequence_Fast_GET_SIZE(fast) != n) {
        Py_DECREF(fast);
        PyErr_SetString(PyExc_ValueError, "a list of rows of the wrong length");
        return NULL;
    }
    int *out = (int *)PyMem_Malloc(sizeof(int) * (n > 0 ? n : 1));
    if (out == NULL) { Py_DECREF(fast); PyErr_NoMemory(); return NULL; }
    for (Py_ssize_t i = 0; i < n; i++) {
        long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(fast, i));
        if (v == -1 && PyErr_Occurred()) { Py_DECREF(fast); PyMem_Free(out); return NULL; }
        out[i] = (int)v;
    }
    Py_DECREF(fast);
    return out;
}

/* day(params, tables): the parameter values and tables (keys, values) in force on a day */
static PyObject *make_day(PyObject *module, PyObject *args) {
    PyObject *params, *tables;
    if (!PyArg_ParseTuple(args, "OO", &params, &tables)) return NULL;
    Py_ssize_t np = PySequence_Size(params), nt = PySequence_Size(tables);
    if (np < 0 || nt < 0) return NULL;
    Day *day = PyObject_New(Day, &DayType);
    if (day == NULL) return NULL;
    day->np = np; day->nt = 0;
    day->p = (double *)PyMem_Malloc(sizeof(double) * (np > 0 ? np : 1));
    day->tk = (double **)PyMem_Calloc(nt > 0 ? nt : 1, sizeof(double *));
    day->tv = (double **)PyMem_Calloc(nt > 0 ? nt : 1, sizeof(double *));
    day->tn = (Py_ssize_t *)PyMem_Calloc(nt > 0 ? nt : 1, sizeof(Py_ssize_t));
    if (!day->p || !day->tk || !day->tv || !day->tn) { Py_DECREF(day); return PyErr_NoMemory(); }
    if (doubles(params, day->p, np) < 0) { Py_DECREF(day); return NULL; }
    for (Py_ssize_t i = 0; i < nt; i++) {
        PyObject *table = PySequence_GetItem(tables, i);
        if (table == NULL) { Py_DECREF(day); return NULL; }
        PyObject *keys = PySequence_GetItem(table, 0), *values = PySequence_GetItem(table, 1);
        Py_DECREF(table);
        if (keys == NULL || values == NULL) {
            Py_XDECREF(keys); Py_XDECREF(values); Py_DECREF(day); return NULL;
        }
        Py_ssize_t n = PySequence_Size(keys);
        day->tk[i] = (double *)PyMem_Malloc(sizeof(double) * (n > 0 ? n : 1));
        day->tv[i] = (double *)PyMem_Malloc(sizeof(double) * (n > 0 ? n : 1));
        day->tn[i] = n < 0 ? 0 : n;
        day->nt = i + 1;
        int bad = n < 0 || !day->tk[i] || !day->tv[i] || doubles(keys, day->tk[i], n) < 0
                  || doubles(values, day->tv[i], n) < 0;
        Py_DECREF(keys); Py_DECREF(values);
        if (bad) { Py_DECREF(day); return NULL; }
    }
    return (PyObject *)day;
}

static NF *new_nf(int n, int nslots, uint32_t cap) {
    NF *c = PyObject_New(NF, &NFType);
    if (c == NULL) return NULL;
    c->base = NULL; c->day = NULL; c->du_obj = c->db_obj = NULL;
    c->du = c->db = NULL; c->du_len = c->db_len = 0;
    c->n = n; c->nslots = nslots; c->a = c->s = c->q = -1;
    c->pt = c->w = NULL; c->f = NULL;
    c->mu = (MU *)PyMem_Calloc(cap, sizeof(MU)); c->mu_cap = cap; c->mu_len = 0;
    c->mb = (MB *)PyMem_Calloc(cap, sizeof(MB)); c->mb_cap = cap; c->mb_len = 0;
    c->mx = NULL; c->mx_cap = 0; c->mx_len = 0;
    c->f = (double *)PyMem_Calloc((size_t)(nslots > 0 ? nslots : 1) * (size_t)(n > 0 ? n : 1),
                                  sizeof(double));
    if (!c->mu || !c->mb || !c->f) { Py_DECREF(c); PyErr_NoMemory(); return NULL; }
    return c;
}

/* frame(day, facts, dates, z, a, s, pt, w): facts by slot, a number (household) or a list */
static PyObject *make_frame(PyObject *module, PyObject *args) {
    PyObject *day, *facts, *dates, *pt, *w;
    int a, s;
    double z;
    if (!PyArg_ParseTuple(args, "O!OOdiiOO", &DayType, &day, &facts, &dates, &z, &a, &s, &pt,
                          &w))
        return NULL;
    Py_ssize_t n = PySequence_Size(pt), nslots = PySequence_Size(facts);
    if (n < 0 || nslots < 0) return NULL;
    NF *c = new_nf((int)n, (int)nslots, 2048);
    if (c == NULL) return NULL;
    Py_INCREF(day); c->day = (Day *)day;
    c->a = a; c->s = s; c->z = z;
    if (doubles(dates, c->d, 4) < 0) { Py_DECREF(c); return NULL; }
    if ((c->pt = ints(pt, n)) == NULL || (c->w = ints(w, n)) == NULL) {
        Py_DECREF(c); return NULL;
    }
    PyObject *fast = PySequence_Fast(facts, "facts by slot");
    if (fast == NULL) { Py_DECREF(c); return NULL; }
    for (Py_ssize_t i = 0; i < nslots; i++) {
        PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
        double *row = c->f + i * (n > 0 ? n : 1);
        if (PyFloat_Check(item) || PyLong_Check(item)) {
            row[0] = PyFloat_AsDouble(item);
        } else if (doubles(item, row, n) < 0) {
            Py_DECREF(fast); Py_DECREF(c); return NULL;
        }
    }
    Py_DECREF(fast);
    if (PyErr_Occurred()) { Py_DECREF(c); return NULL; }
    return (PyObject *)c;
}

/* variant(base, slots, person, value, du, db, w): one fact answered otherwise */
static PyObject *make_variant(PyObject *module, PyObject *args) {
    NF *base;
    PyObject *slots, *du, *db, *w;
    int person;
    double value;
    if (!PyArg_ParseTuple(args, "O!OidO!O!O", &NFType, &base, &slots, &person, &value,
                          &PyBytes_Type, &du, &PyBytes_Type, &db, &w))
        return NULL;
    int n = base->n;
    if (person >= n) { PyErr_SetString(PyExc_IndexError, "no such person"); return NULL; }
    NF *c = new_nf(n, base->nslots, 64);
    if (c == NULL) return NULL;
    memcpy(c->f, base->f, sizeof(double) * (size_t)(base->nslots > 0 ? base->nslots : 1)
                          * (size_t)(n > 0 ? n : 1));
    memcpy(c->d, base->d, sizeof(c->d));
    c->z = base->z;
    c->a = base->a; c->s = base->s; c->q = person;
    Py_INCREF(base); c->base = base;
    Py_INCREF(base->day); c->day = base->day;
    Py_INCREF(du); c->du_obj = du; c->du = (const unsigned char *)PyBytes_AS_STRING(du);
    c->du_len = PyBytes_GET_SIZE(du);
    Py_INCREF(db); c->db_obj = db; c->db = (const unsigned char *)PyBytes_AS_STRING(db);
    c->db_len = PyBytes_GET_SIZE(db);
    c->pt = (int *)PyMem_Malloc(sizeof(int) * (n > 0 ? n : 1));
    if (c->pt == NULL) { Py_DECREF(c); return PyErr_NoMemory(); }
    memcpy(c->pt, base->pt, sizeof(int) * (size_t)n);
    if ((c->w = ints(w, n)) == NULL) { Py_DECREF(c); return NULL; }
    PyObject *fast = PySequence_Fast(slots, "fact slots");
    if (fast == NULL) { Py_DECREF(c); return NULL; }
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++) {
        long slot = PyLong_AsLong(PySequence_Fast_GET_ITEM(fast, i));
        if (slot < 0 || slot >= c->nslots) {
            Py_DECREF(fast); Py_DECREF(c);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_IndexError, "no such fact slot");
            return NULL;
        }
        c->f[slot * (n > 0 ? n : 1) + (person < 0 ? 0 : person)] = value;
    }
    Py_DECREF(fast);
    return (PyObject *)c;
}

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    char kind;
    void *fn;
    PyObject *py;  /* the unit's Python function: for a frame made before the module came */
    PyObject *name;
} Unit;

static PyMemberDef UNIT_MEMBERS[] = {
    {"__name__", T_OBJECT_EX, offsetof(Unit, name), READONLY, "The unit's name."},
    {NULL, 0, 0, 0, NULL},
};

static PyObject *name_h;

static PyObject *unit_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf,
                                 PyObject *kwnames) {
    Unit *self = (Unit *)callable;
    if (PyVectorcall_NARGS(nargsf) != 2 || kwnames != NULL) {
        PyErr_SetString(PyExc_TypeError, "a unit takes (frame, row)");
        return NULL;
    }
    PyObject *handle = args[0];
    int owned = 0;
    if (Py_TYPE(handle) != &NFType) {
        handle = PyObject_GetAttr(handle, name_h);
        if (handle == NULL) return NULL;
        owned = 1;
        if (Py_TYPE(handle) != &NFType) {
            Py_DECREF(handle);
            if (self->py == NULL) {
                PyErr_SetString(PyExc_TypeError, "the frame has no native state");
                return NULL;
            }
            return PyObject_Vectorcall(self->py, args, nargsf, NULL);
        }
    }
    NF *c = (NF *)handle;
    Py_ssize_t r = PyNumber_AsSsize_t(args[1], PyExc_IndexError);
    if (r == -1 && PyErr_Occurred()) { if (owned) Py_DECREF(handle); return NULL; }
    if (r < 0 || r >= c->n) {
        if (owned) Py_DECREF(handle);
        PyErr_SetString(PyExc_IndexError, "no such row");
        return NULL;
    }
    PyObject *out;
    if (self->kind == 'u') {
        out = PyFloat_FromDouble(((double (*)(NF *, int))self->fn)(c, (int)r));
    } else if (self->kind == 'x') {
        out = ((PyObject *(*)(NF *, int))self->fn)(c, (int)r);
    } else {
        P2 v = ((P2 (*)(NF *, int))self->fn)(c, (int)r);
        PyObject *lo = PyFloat_FromDouble(v.lo), *hi = PyFloat_FromDouble(v.hi);
        out = (lo && hi) ? PyTuple_Pack(2, lo, hi) : NULL;
        Py_XDECREF(lo); Py_XDECREF(hi);
    }
    if (owned) Py_DECREF(handle);
    return out;
}

static void unit_dealloc(Unit *self) {
    Py_XDECREF(self->py);
    Py_XDECREF(self->name);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject UnitType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "lifeevents_native.Unit",
    .tp_basicsize = sizeof(Unit),
    .tp_dealloc = (destructor)unit_dealloc,
    .tp_members = UNIT_MEMBERS,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_vectorcall_offset = offsetof(Unit, vectorcall),
    .tp_call = PyVectorcall_Call,
};

/* units(python): the units by name, each falling back on its function in ``python`` (a
   dict by name) for a frame without native state */
static PyObject *units(PyObject *module, PyObject *python) {
    if (!PyDict_Check(python)) {
        PyErr_SetString(PyExc_TypeError, "the Python functions by name");
        return NULL;
    }
    PyObject *out = PyDict_New();
    if (out == NULL) return NULL;
    for (Py_ssize_t i = 0; i < N_UNITS; i++) {
        Unit *unit = PyObject_New(Unit, &UnitType);
        if (unit == NULL) { Py_DECREF(out); return NULL; }
        unit->vectorcall = unit_vectorcall;
        unit->kind = UNITS[i].name[0];
        unit->fn = UNITS[i].fn;
        unit->py = PyDict_GetItemString(python, UNITS[i].name);
        Py_XINCREF(unit->py);
        unit->name = PyUnicode_FromString(UNITS[i].name);
        if (unit->name == NULL) { Py_DECREF(unit); Py_DECREF(out); return NULL; }
        int bad = PyDict_SetItemString(out, UNITS[i].name, (PyObject *)unit);
        Py_DECREF(unit);
        if (bad) { Py_DECREF(out); return NULL; }
    }
    return out;
}

static PyMethodDef METHODS[] = {
    {"day", make_day, METH_VARARGS, "The parameters and tables in force on a day."},
    {"frame", make_frame, METH_VARARGS, "A household's native frame."},
    {"variant", make_variant, METH_VARARGS, "A frame with one fact answered otherwise."},
    {"units", units, METH_O, "The units by name."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {PyModuleDef_HEAD_INIT, MODULE_NAME, NULL, -1, METHODS};

PyMODINIT_FUNC INIT_NAME(void) {
    if (PyType_Ready(&DayType) < 0 || PyType_Ready(&NFType) < 0 || PyType_Ready(&UnitType) < 0)
        return NULL;
    name_h = PyUnicode_InternFromString("h");
    EMPTY_SET = PyFrozenSet_New(NULL);
    if (name_h == NULL || EMPTY_SET == NULL) return NULL;
    return PyModule_Create(&MODULE);
}
"""


def module_tail(name: str, units: list[str]) -> str:
    """The table of ``units`` (names of translated functions) and the module's Python side,
    for a module called ``name``."""
    rows = ",\n".join(f'    {{"{u}", (void *){u}}}' for u in units)
    head = (
        f'\n#define MODULE_NAME "{name}"\n#define INIT_NAME PyInit_{name}\n'
        "static const struct { const char *name; void *fn; } UNITS[] = {\n"
        f"{rows or '    {NULL, NULL}'}\n}};\n"
        f"static const Py_ssize_t N_UNITS = {len(units)};\n"
    )
    return head + _TAIL
