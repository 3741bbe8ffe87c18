package org.openpcs.slurm;

import java.util.Comparator;

/** compute-2 before compute-10: node names sorted the way people count. */
final class NaturalOrder implements Comparator<String> {
  static final NaturalOrder INSTANCE = new NaturalOrder();

  private NaturalOrder() {}

  @Override
  public int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
        String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
        int cmp = na.length() != nb.length() ? na.length() - nb.length() : na.compareTo(nb);
        if (cmp != 0) {
          return cmp;
        }
      } else {
        if (ca != cb) {
          return ca - cb;
        }
        i++;
        j++;
      }
    }
    int rest = (a.length() - i) - (b.length() - j);
    return rest != 0 ? rest : a.compareTo(b);
  }
}
