/* lw_ocr: scanned PDFs and images to text by tesseract (see the header).
 *
 * A page goes through three steps: its image is made (a PDF page rendered by poppler into a
 * cairo surface and turned into 8-bit gray; an image decoded by leptonica), tesseract
 * recognizes it, and its lines and words are put into a source of its own. Making the image
 * is done under the job's lock, in page order (poppler documents are not thread-safe, and a
 * multi-page TIFF is read front to back); recognition, the slow step, runs on the worker's
 * own engine, unlocked. The page sources are joined in page order at the end, so the job
 * count changes the speed, never the text. */
#include "lw_ocr.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <leptonica/allheaders.h>
#include <poppler.h>
#include <tesseract/capi.h>

#include "lw_msg.h"

/* The largest page image made, in pixels: A4 at 300 dpi is 8.7 million, A1 70 million. A PDF
 * page larger than this at opt->dpi is rendered at the dpi that fits; an image larger than
 * this is refused (a PNG header may claim 100000 x 100000 pixels in a few bytes). */
#define OCR_MAX_PIXELS ((double)80e6)

/* Where the page images come from: a PDF (rendered) or an image (decoded). */
typedef struct {
    PopplerDocument *pdf;
    const unsigned char *raw; /* the image bytes (borrowed) */
    size_t len;
    int tiff;                 /* raw is a TIFF: pages read in order from tiff_off */
    size_t tiff_off;
    int dpi;
} page_maker;

/* One job: the pages, the workers' shared state (under mu) and the results by page. */
typedef struct {
    page_maker pm;
    unsigned n_pages;
    const lw_read_options *opt;
    pthread_mutex_t mu;
    unsigned next;           /* the next page to hand out (0-based) */
    unsigned done;           /* pages finished, for progress */
    int stop;                /* a page failed: hand out no more */
    lw_source **page_src;    /* n_pages results, each page's own source */
} ocr_job;

/* A worker: its engine and the first error it met (err_page: 0-based page, or UINT32_MAX). */
typedef struct {
    ocr_job *job;
    TessBaseAPI *api;
    unsigned err_page;
    lw_status st;
    lw_error err;
} ocr_worker;

static int is_tiff(const unsigned char *p, size_t len)
{
    return len >= 4 && ((p[0] == 'I' && p[1] == 'I' && p[2] == 42 && p[3] == 0) ||
                        (p[0] == 'M' && p[1] == 'M' && p[2] == 0 && p[3] == 42));
}

static uint32_t tiff_u(const unsigned char *p, int le, int n)
{
    uint32_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint32_t)p[le ? i : n - 1 - i] << (8 * (le ? i : n - 1 - i));
    return v;
}

/* Counts the pages (directories) of a classic TIFF and checks each page's size, without
 * decoding: walks the directory chain, bounded by max_pages + 1 steps (a chain that loops
 * hits the page cap). Returns LW_OK with *n, or an error. */
static lw_status tiff_pages(const unsigned char *p, size_t len, int max_pages, unsigned *n, lw_error *err)
{
    int le = p[0] == 'I';
    if (len < 8)
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_OCR_IMAGE_BAD);
    uint32_t off = tiff_u(p + 4, le, 4);
    unsigned count = 0;
    while (off) {
        if (off > len || len - off < 2)
            return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_OCR_IMAGE_BAD);
        uint32_t entries = tiff_u(p + off, le, 2);
        if ((len - off - 2) / 12 < entries || len - off - 2 - (size_t)entries * 12 < 4)
            return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_OCR_IMAGE_BAD);
        if (++count > (unsigned)max_pages)
            return lw_error_msg(err, LW_ERR_LIMIT, NULL, 0, 0, LW_MSG_OCR_TOO_MANY_PAGES, max_pages);
        double w = 0, h = 0;
        for (uint32_t i = 0; i < entries; i++) {
            const unsigned char *e = p + off + 2 + (size_t)i * 12;
            uint32_t tag = tiff_u(e, le, 2), type = tiff_u(e + 2, le, 2);
            uint32_t v = type == 3 ? tiff_u(e + 8, le, 2) : tiff_u(e + 8, le, 4);
            if (tag == 256)
                w = v;
            else if (tag == 257)
                h = v;
        }
        if (!(w > 0 && h > 0)) /* no size: not a page (also ends a chain that loops on an empty directory) */
            return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_OCR_IMAGE_BAD);
        if (w * h > OCR_MAX_PIXELS)
            return lw_error_msg(err, LW_ERR_TOO_LARGE, NULL, 0, 0, LW_MSG_OCR_IMAGE_TOO_BIG, count, (int)w, (int)h);
        off = tiff_u(p + off + 2 + (size_t)entries * 12, le, 4);
    }
    if (!count)
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_OCR_IMAGE_BAD);
    *n = count;
    return LW_OK;
}

/* Hides (in memory: rendering skips hidden annotations) the widgets of page's signature
 * fields: the e-signature stamp drawn over the first page of a signed letter ("Ký bởi: ...
 * Thời gian ký: ..." beside the agency's logo). OCR'd, the logo gives lines of noise above the
 * letter's header, and the stamp's words, which name the signing office and time, not the
 * letter, are in the PDF's text layer anyway. Other widgets stay (a number typed into a field
 * is the letter's). Hidden, not removed: poppler_page_remove_annot leaks the widget's objects. */
static void drop_signature_stamps(PopplerPage *page)
{
    GList *fields = poppler_page_get_form_field_mapping(page);
    GList *annots = NULL;
    for (GList *f = fields; f; f = f->next) {
        const PopplerFormFieldMapping *fm = f->data;
        if (poppler_form_field_get_field_type(fm->field) != POPPLER_FORM_FIELD_SIGNATURE)
            continue;
        if (!annots)
            annots = poppler_page_get_annot_mapping(page);
        for (GList *a = annots; a; a = a->next) {
            PopplerAnnotMapping *am = a->data;
            if (am->annot && poppler_annot_get_annot_type(am->annot) == POPPLER_ANNOT_WIDGET &&
                fabs(am->area.x1 - fm->area.x1) < 0.5 && fabs(am->area.y1 - fm->area.y1) < 0.5 &&
                fabs(am->area.x2 - fm->area.x2) < 0.5 && fabs(am->area.y2 - fm->area.y2) < 0.5)
                poppler_annot_set_flags(am->annot, poppler_annot_get_flags(am->annot) | POPPLER_ANNOT_FLAG_HIDDEN);
        }
    }
    poppler_page_free_annot_mapping(annots);
    poppler_page_free_form_field_mapping(fields);
}

/* Page i of a PDF at the maker's dpi (lowered for a page too large) as an 8-bit gray PIX. */
static lw_status render_pdf_page(page_maker *pm, unsigned i, PIX **out, lw_error *err)
{
    PopplerPage *page = poppler_document_get_page(pm->pdf, (int)i);
    if (!page)
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_OCR_PAGE_RENDER, i + 1);
    double pw, ph;
    poppler_page_get_size(page, &pw, &ph);
    double dpi = pm->dpi;
    if (!(pw > 0 && ph > 0)) {
        g_object_unref(page);
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_OCR_PAGE_RENDER, i + 1);
    }
    double px = pw * dpi / 72 * (ph * dpi / 72);
    if (px > OCR_MAX_PIXELS)
        dpi *= sqrt(OCR_MAX_PIXELS / px);
    int w = (int)ceil(pw * dpi / 72), h = (int)ceil(ph * dpi / 72);
    if (w < 1 || h < 1)
        w = h = 1;
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        g_object_unref(page);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_OCR_PAGE_RENDER, i + 1);
    }
    drop_signature_stamps(page);
    cairo_t *cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, dpi / 72, dpi / 72);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    g_object_unref(page);
    cairo_surface_flush(surf);

    PIX *pix = pixCreateNoInit(w, h, 8);
    if (!pix) {
        cairo_surface_destroy(surf);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_OCR_PAGE_RENDER, i + 1);
    }
    pixSetResolution(pix, (l_int32)lround(dpi), (l_int32)lround(dpi));
    const unsigned char *src = cairo_image_surface_get_data(surf);
    int stride = cairo_image_surface_get_stride(surf);
    l_uint32 *data = pixGetData(pix);
    l_int32 wpl = pixGetWpl(pix);
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(src + (size_t)y * stride);
        l_uint32 *line = data + (size_t)y * wpl;
        for (int x = 0; x < w; x++) {
            uint32_t c = row[x]; /* 0xXXRRGGBB in native order */
            uint32_t r = (c >> 16) & 0xff, g = (c >> 8) & 0xff, b = c & 0xff;
            /* luminance as poppler's own gray rendering (pdftoppm -gray) weighs it */
            SET_DATA_BYTE(line, x, (r * 77 + g * 151 + b * 28 + 128) >> 8);
        }
    }
    cairo_surface_destroy(surf);
    *out = pix;
    return LW_OK;
}

/* Page i of an image as a PIX of at most 8 bits (colour turned to gray, as for PDF pages). */
static lw_status decode_image_page(page_maker *pm, unsigned i, PIX **out, lw_error *err)
{
    PIX *pix;
    if (pm->tiff) {
        if (!pm->tiff_off && i)
            return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_OCR_IMAGE_PAGE_BAD, i + 1);
        pix = pixReadMemFromMultipageTiff(pm->raw, pm->len, &pm->tiff_off);
    } else {
        pix = pixReadMem(pm->raw, pm->len);
    }
    if (!pix)
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_OCR_IMAGE_PAGE_BAD, i + 1);
    if ((double)pixGetWidth(pix) * pixGetHeight(pix) > OCR_MAX_PIXELS) {
        int w = pixGetWidth(pix), h = pixGetHeight(pix);
        pixDestroy(&pix);
        return lw_error_msg(err, LW_ERR_TOO_LARGE, NULL, 0, 0, LW_MSG_OCR_IMAGE_TOO_BIG, i + 1, w, h);
    }
    if (pixGetDepth(pix) != 1 && (pixGetDepth(pix) != 8 || pixGetColormap(pix))) {
        PIX *g = pixConvertTo8(pix, 0);
        pixDestroy(&pix);
        if (!g)
            return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_OCR_IMAGE_PAGE_BAD, i + 1);
        pix = g;
    }
    *out = pix;
    return LW_OK;
}

static int skipped_block(TessPolyBlockType t)
{
    /* tesseract's own text output leaves these out (TessBaseAPI::GetUTF8Text) */
    return t == PT_FLOWING_IMAGE || t == PT_HEADING_IMAGE || t == PT_PULLOUT_IMAGE || t == PT_HORZ_LINE ||
           t == PT_VERT_LINE;
}

/* Recognizes pix into a new source for page page1 (1-based): the words of a line joined by a
 * space, one line each, a blank line after each paragraph (as tesseract prints its text). */
static lw_status recognize(TessBaseAPI *api, PIX *pix, unsigned page1, lw_source **out, lw_error *err)
{
    *out = NULL;
    TessBaseAPISetImage2(api, pix);
    if (TessBaseAPIRecognize(api, NULL) != 0) {
        TessBaseAPIClear(api);
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_OCR_RECOGNIZE, page1);
    }
    lw_source *s = lw_source_create(LW_SOURCE_PDF_OCR);
    if (!s) {
        TessBaseAPIClear(api);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    /* the words of the line being built: their offsets in line, kept until the line is added */
    lw_buf line = {0};
    struct wpos {
        size_t a, b;
        int conf;
    } *wv = NULL;
    size_t nw = 0, cap = 0;
    int oom = 0;
    TessResultIterator *ri = TessBaseAPIGetIterator(api);
    if (ri) {
        TessPageIterator *pi = TessResultIteratorGetPageIterator(ri);
        do {
            if (skipped_block(TessPageIteratorBlockType(pi)))
                continue;
            char *w = TessResultIteratorGetUTF8Text(ri, RIL_WORD);
            if (w && *w) {
                if (nw == cap) {
                    size_t c = cap ? cap * 2 : 32;
                    void *p = realloc(wv, c * sizeof *wv);
                    if (!p) {
                        TessDeleteText(w);
                        oom = 1;
                        break;
                    }
                    wv = p;
                    cap = c;
                }
                if (line.len && lw_buf_putc(&line, ' ')) {
                    TessDeleteText(w);
                    oom = 1;
                    break;
                }
                size_t a = line.len;
                if (lw_buf_append(&line, w, strlen(w))) {
                    TessDeleteText(w);
                    oom = 1;
                    break;
                }
                wv[nw].a = a;
                wv[nw].b = line.len;
                wv[nw].conf = (int)lround(TessResultIteratorConfidence(ri, RIL_WORD));
                nw++;
            }
            if (w)
                TessDeleteText(w);
            int end_line = TessPageIteratorIsAtFinalElement(pi, RIL_TEXTLINE, RIL_WORD);
            int end_para = TessPageIteratorIsAtFinalElement(pi, RIL_PARA, RIL_WORD);
            if (end_line && nw) {
                size_t base = s->len;
                if (lw_source_add_line(s, line.data, line.len, page1, 0)) {
                    oom = 1;
                    break;
                }
                for (size_t k = 0; k < nw && !oom; k++)
                    oom = lw_source_add_word(s, base + wv[k].a, base + wv[k].b, wv[k].conf) != 0;
                if (oom)
                    break;
                line.len = 0;
                nw = 0;
            }
            if (end_para && s->n_lines && s->text[s->len - 2] != '\n' && lw_source_add_line(s, "", 0, page1, 0)) {
                oom = 1;
                break;
            }
        } while (TessResultIteratorNext(ri, RIL_WORD));
        TessResultIteratorDelete(ri);
    }
    free(wv);
    lw_buf_free(&line);
    TessBaseAPIClear(api);
    if (oom) {
        lw_source_free(s);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    *out = s;
    return LW_OK;
}

/* Engines start one at a time in the whole process: start-up writes tesseract's global
 * parameters (debug_file below) and tables, which recognition only reads; two documents may
 * be read at once in one process (no sandbox, several jobs). */
static pthread_mutex_t engine_mu = PTHREAD_MUTEX_INITIALIZER;

/* Starts an engine with the Vietnamese data; a missing vie.traineddata says which package
 * to install. */
static lw_status engine_start(TessBaseAPI **out, lw_error *err)
{
    *out = NULL;
    pthread_mutex_lock(&engine_mu);
    TessBaseAPI *api = TessBaseAPICreate();
    if (!api) {
        pthread_mutex_unlock(&engine_mu);
        return lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
    }
    /* tesseract's diagnostics go to stderr through this global setting; the reviewer gets
     * our message instead (set before Init so that its own complaints are quiet too) */
    TessBaseAPISetVariable(api, "debug_file", "/dev/null");
    int bad = TessBaseAPIInit3(api, NULL, "vie") != 0;
    pthread_mutex_unlock(&engine_mu);
    if (bad) {
        TessBaseAPIDelete(api);
        return lw_error_msg(err, LW_ERR_IO, NULL, 0, 0, LW_MSG_OCR_NO_VIE);
    }
    /* what the tesseract command does by default (the API's default is one block) */
    TessBaseAPISetPageSegMode(api, PSM_AUTO);
    *out = api;
    return LW_OK;
}

/* Keeps tesseract's OpenMP loops in the calling thread. Its LSTM runs `omp parallel for
 * num_threads(4)`: beside a worker per core those threads only spin and wait, and a 3-page
 * scan took 28 s instead of 5 (one job, 2 busy cores). OMP_THREAD_LIMIT=1 would do it, but
 * libgomp reads it once when it is loaded, before main; max-active-levels 0 makes every
 * parallel region of this thread run on it alone, set per thread (libgomp keeps it in the
 * thread's ICVs). Looked up at run time: libgomp is there only when tesseract was built
 * with OpenMP (Debian's is), and linking it ourselves would tie us to that build. */
static void openmp_single_thread(void)
{
    void (*set_levels)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_max_active_levels");
    if (set_levels)
        set_levels(0);
}

/* The worker loop: take the next page and make its image (under the lock, in page order),
 * recognize it (unlocked), store its source, report progress. */
static void *work(void *arg)
{
    ocr_worker *wk = arg;
    ocr_job *job = wk->job;
    openmp_single_thread();
    /* each worker starts its engine (one at a time, engine_mu): the first is at work on page
     * 1 while the next one starts */
    lw_status st0 = engine_start(&wk->api, &wk->err);
    if (st0) {
        pthread_mutex_lock(&job->mu);
        job->stop = 1;
        wk->st = st0;
        wk->err_page = 0;
        pthread_mutex_unlock(&job->mu);
        return NULL;
    }
    for (;;) {
        pthread_mutex_lock(&job->mu);
        if (job->stop || job->next >= job->n_pages) {
            pthread_mutex_unlock(&job->mu);
            break;
        }
        unsigned i = job->next++;
        PIX *pix = NULL;
        lw_status st = job->pm.pdf ? render_pdf_page(&job->pm, i, &pix, &wk->err)
                                   : decode_image_page(&job->pm, i, &pix, &wk->err);
        if (st)
            job->stop = 1;
        pthread_mutex_unlock(&job->mu);
        lw_source *ps = NULL;
        if (!st) {
            st = recognize(wk->api, pix, i + 1, &ps, &wk->err);
            pixDestroy(&pix);
        }
        pthread_mutex_lock(&job->mu);
        if (st) {
            job->stop = 1;
            wk->st = st;
            wk->err_page = i;
            pthread_mutex_unlock(&job->mu);
            break;
        }
        job->page_src[i] = ps;
        job->done++;
        if (job->opt->progress)
            job->opt->progress(job->opt->progress_ud, job->done, job->n_pages);
        pthread_mutex_unlock(&job->mu);
    }
    return NULL;
}

/* "tesseract 5.3.0 (vie)" */
static void engine_name(char *buf, size_t size)
{
    snprintf(buf, size, "tesseract %s (vie)", TessVersion());
}

/* OCRs n_pages pages from pm over opt->jobs workers into *out (format fmt). */
static lw_status ocr_pages(page_maker *pm, unsigned n_pages, lw_source_format fmt, const lw_read_options *opt,
                           lw_source **out, lw_error *err)
{
    /* leptonica prints its own errors on stderr: ours name the page and say it plainly */
    setMsgSeverity(L_SEVERITY_NONE);

    unsigned jobs = opt->jobs > 1 ? (unsigned)opt->jobs : 1;
    if (jobs > n_pages)
        jobs = n_pages ? n_pages : 1;
    ocr_job job = {.pm = *pm, .n_pages = n_pages, .opt = opt};
    ocr_worker *wk = calloc(jobs, sizeof *wk);
    job.page_src = calloc(n_pages ? n_pages : 1, sizeof *job.page_src);
    lw_source *s = lw_source_create(fmt);
    lw_status st = LW_OK;
    if (!wk || !job.page_src || !s) {
        st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
        goto done;
    }
    for (unsigned k = 0; k < jobs; k++) {
        wk[k].job = &job;
        wk[k].err_page = UINT32_MAX;
    }
    pthread_mutex_init(&job.mu, NULL);
    if (jobs == 1) {
        work(&wk[0]);
    } else {
        pthread_t *th = calloc(jobs, sizeof *th);
        unsigned started = 0;
        if (th)
            for (; started < jobs; started++)
                if (pthread_create(&th[started], NULL, work, &wk[started]))
                    break;
        if (!started) /* no thread at all: do the work here */
            work(&wk[0]);
        for (unsigned k = 0; k < started; k++)
            pthread_join(th[k], NULL);
        free(th);
    }
    pthread_mutex_destroy(&job.mu);
    *pm = job.pm;

    /* the error of the lowest failed page: the one a single job would have met first (an
     * engine that did not start counts as page 1) */
    ocr_worker *bad = NULL;
    for (unsigned k = 0; k < jobs; k++)
        if (wk[k].st && (!bad || wk[k].err_page < bad->err_page))
            bad = &wk[k];
    if (bad) {
        st = bad->st;
        if (err)
            *err = bad->err;
        goto done;
    }
    for (unsigned i = 0; i < n_pages; i++) {
        const lw_source *ps = job.page_src[i];
        size_t base = s->len;
        for (size_t l = 0; l < ps->n_lines; l++) {
            size_t a = ps->lines[l].start, b = l + 1 < ps->n_lines ? ps->lines[l + 1].start : ps->len;
            if (lw_source_add_line(s, ps->text + a, b - a - 1, i + 1, 0)) {
                st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
                goto done;
            }
        }
        for (size_t k = 0; k < ps->n_words; k++)
            if (lw_source_add_word(s, base + ps->words[k].start, base + ps->words[k].end, ps->words[k].conf)) {
                st = lw_error_msg(err, LW_ERR_NOMEM, NULL, 0, 0, LW_MSG_NOMEM);
                goto done;
            }
    }
    s->pages = n_pages;
    engine_name(s->ocr_engine, sizeof s->ocr_engine);
done:
    if (wk)
        for (unsigned k = 0; k < jobs; k++)
            if (wk[k].api) {
                TessBaseAPIEnd(wk[k].api);
                TessBaseAPIDelete(wk[k].api);
            }
    if (job.page_src)
        for (unsigned i = 0; i < n_pages; i++)
            lw_source_free(job.page_src[i]);
    free(job.page_src);
    free(wk);
    if (st) {
        lw_source_free(s);
        s = NULL;
    }
    *out = s;
    return st;
}

static int max_pages_of(const lw_read_options *opt)
{
    return opt->max_pages > 0 ? opt->max_pages : LW_READ_PAGES_DEFAULT;
}

lw_status lw_ocr_pdf(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err)
{
    *out = NULL;
    static const lw_read_options defaults; /* zeros: every limit at its default */
    if (!opt)
        opt = &defaults;
    GBytes *bytes = g_bytes_new_static(raw, len);
    GError *gerr = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    if (!doc) {
        char why[512];
        snprintf(why, sizeof why, "%s", gerr && gerr->message ? gerr->message : "?");
        if (gerr)
            g_error_free(gerr);
        g_bytes_unref(bytes);
        return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_OCR_PDF_OPEN, why);
    }
    int n = poppler_document_get_n_pages(doc);
    lw_status st;
    if (n > max_pages_of(opt)) {
        st = lw_error_msg(err, LW_ERR_LIMIT, NULL, 0, 0, LW_MSG_OCR_TOO_MANY_PAGES, max_pages_of(opt));
    } else {
        page_maker pm = {.pdf = doc, .dpi = opt->dpi > 0 ? opt->dpi : LW_READ_DPI_DEFAULT};
        st = ocr_pages(&pm, n > 0 ? (unsigned)n : 0, LW_SOURCE_PDF_OCR, opt, out, err);
    }
    g_object_unref(doc);
    g_bytes_unref(bytes);
    return st;
}

lw_status lw_ocr_image(const unsigned char *raw, size_t len, const lw_read_options *opt, lw_source **out, lw_error *err)
{
    *out = NULL;
    static const lw_read_options defaults; /* zeros: every limit at its default */
    if (!opt)
        opt = &defaults;
    setMsgSeverity(L_SEVERITY_NONE);
    page_maker pm = {.raw = raw, .len = len, .dpi = opt->dpi > 0 ? opt->dpi : LW_READ_DPI_DEFAULT};
    unsigned n = 1;
    if (is_tiff(raw, len)) {
        pm.tiff = 1;
        lw_status st = tiff_pages(raw, len, max_pages_of(opt), &n, err);
        if (st)
            return st;
    } else {
        l_int32 format, w, h, bps, spp, cmap;
        if (!raw || !len || pixReadHeaderMem(raw, len, &format, &w, &h, &bps, &spp, &cmap) ||
            (format != IFF_PNG && format != IFF_JFIF_JPEG))
            return lw_error_msg(err, LW_ERR_DATA, NULL, 0, 0, LW_MSG_OCR_IMAGE_BAD);
        if ((double)w * h > OCR_MAX_PIXELS)
            return lw_error_msg(err, LW_ERR_TOO_LARGE, NULL, 0, 0, LW_MSG_OCR_IMAGE_TOO_BIG, 1u, (int)w, (int)h);
    }
    return ocr_pages(&pm, n, LW_SOURCE_IMAGE_OCR, opt, out, err);
}
