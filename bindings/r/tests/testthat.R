library(testthat)
library(paymentsim)

test_check("paymentsim")
