# R values → JSON text for the core. This is translation only: the core reads, checks and
# defaults every document (one entry point), so nothing here knows a field or a bound. What R
# has and JSON lacks is refused here, with the path of the value: NaN and ±Inf (JSON has no
# such numbers), unnamed/partly named mixtures. NA becomes null (absent): the core says whether
# the field may be absent. Whole doubles are written as integers, exactly (R's numbers are
# doubles: `balance = 5e6` must reach the core as 5000000, not 5e+06).

to_json <- function(x, path = "") {
  if (is.null(x)) return("null")
  if (is.factor(x)) x <- as.character(x)
  if (is.data.frame(x)) {
    raise_glue("type", sprintf("%s is a data frame: give a list here", describe(path)), path)
  }
  if (is.list(x)) {
    keys <- names(x)
    if (is.null(keys)) {
      items <- vapply(seq_along(x), function(i) to_json(x[[i]], sprintf("%s[%d]", path, i - 1L)), "")
      return(paste0("[", paste(items, collapse = ","), "]"))
    }
    if (anyNA(keys) || any(keys == "")) {
      raise_glue("type", sprintf("%s mixes named and unnamed elements", describe(path)), path)
    }
    items <- vapply(seq_along(x), function(i) {
      paste0(json_strings(keys[[i]]), ":", to_json(x[[i]], child(path, keys[[i]])))
    }, "")
    return(paste0("{", paste(items, collapse = ","), "}"))
  }
  values <- json_scalars(x, path)
  if (length(x) == 1L && is.null(dim(x))) values else paste0("[", paste(values, collapse = ","), "]")
}

child <- function(path, key) if (identical(path, "")) key else paste0(path, ".", key)

describe <- function(path) if (identical(path, "")) "the document" else sprintf("`%s`", path)

# Each element of an atomic vector as a JSON scalar (vectorised: data frames of payments).
json_scalars <- function(x, path) {
  if (is.character(x)) {
    out <- json_strings(x)
  } else if (is.logical(x)) {
    out <- ifelse(x, "true", "false")
  } else if (is.integer(x)) {
    out <- as.character(x)
  } else if (is.double(x)) {
    bad <- is.nan(x) | is.infinite(x)
    if (any(bad)) {
      value <- format(x[bad][[1]])
      raise_glue("type", sprintf("%s is %s: JSON has no such number", describe(path), value), path)
    }
    out <- json_numbers(x)
  } else {
    raise_glue("type", sprintf("%s is of type %s: give numbers, strings, logicals or lists",
                               describe(path), typeof(x)), path)
  }
  out[is.na(x)] <- "null"
  out
}

json_numbers <- function(x) {
  out <- character(length(x))
  whole <- !is.na(x) & x == trunc(x) & abs(x) < 1e300
  out[whole] <- formatC(x[whole], format = "f", digits = 0, width = 1)
  frac <- !is.na(x) & !whole
  short <- sprintf("%.15g", x[frac])
  exact <- as.numeric(short) == x[frac]
  out[frac] <- ifelse(exact, short, sprintf("%.17g", x[frac]))
  out
}

json_strings <- function(s) {
  s <- enc2utf8(as.character(s))
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  if (any(grepl("[\001-\037]", s, useBytes = TRUE), na.rm = TRUE)) {
    for (code in 1:31) {
      s <- gsub(intToUtf8(code), sprintf("\\u%04x", code), s, fixed = TRUE, useBytes = TRUE)
    }
  }
  out <- paste0("\"", s, "\"")
  Encoding(out) <- "UTF-8"
  out
}

# One submission document per row of a data frame (or per payment of a named list).
payment_documents <- function(payments) {
  if (!is.data.frame(payments)) {
    return(to_json(payments))
  }
  if (nrow(payments) == 0L) return(character())
  keys <- names(payments)
  parts <- lapply(seq_along(keys), function(j) {
    column <- payments[[j]]
    if (is.factor(column)) column <- as.character(column)
    if (is.list(column)) {
      raise_glue("type", sprintf("column `%s` is a list: give a vector", keys[[j]]), keys[[j]])
    }
    paste0(json_strings(keys[[j]]), ":", json_scalars(column, keys[[j]]))
  })
  paste0("{", do.call(paste, c(parts, sep = ",")), "}")
}
