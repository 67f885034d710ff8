/**
 * The final report ({@code --report}): the JSON whose field names are a contract, built from the results topic folded
 * for the counts query, so it says the same after any restart.
 */
package io.sfcrime.spark.report;
